/**
 * Issue 9, item 13: `%account[constructor]%`, `%account[toString]%` and `%account[__proto__]%` read
 * what every JavaScript object inherits (the text of `Object()` was sent), and `<__proto__>` in
 * Account XML gave "Internal error". Account keys are own keys only; each such input is a located
 * ConfigError.
 */
import { describe, expect, it } from 'vitest';
import { accountFromXml } from '../../src/acrobits/account.js';
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';

function issuesOf(load: () => unknown): ConfigIssue[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('account keys are own keys only', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'reports a placeholder reading account key %s, which the account lacks, as a missing key with file and pointer',
    (key) => {
      const json = { genericSmsSendUrl: `https://e.com/s?x=%account[${key}]%&to=%sms_to%` };
      expect(issuesOf(() => accountFromValue(json, 'a.account.json', undefined))).toEqual([
        expect.objectContaining({
          file: 'a.account.json',
          pointer: '/genericSmsSendUrl',
          code: 'ACCOUNT_MISSING_VALUE',
        }),
      ]);
      const xml = `<account><genericSmsSendUrl>https://e.com/s?x=%account[${key}]%</genericSmsSendUrl></account>`;
      expect(issuesOf(() => accountFromXml(xml, 'a.xml'))).toEqual([
        expect.objectContaining({ file: 'a.xml', pointer: '/genericSmsSendUrl', code: 'ACCOUNT_MISSING_VALUE' }),
      ]);
    },
  );

  it('refuses __proto__, constructor and prototype as keys of Account XML, with the line', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const xml = `<account>\n<genericSmsSendUrl>https://e.com/s?to=%sms_to%</genericSmsSendUrl>\n<${key}>v</${key}>\n</account>`;
      expect(issuesOf(() => accountFromXml(xml, 'a.xml'))).toEqual([
        expect.objectContaining({ file: 'a.xml', pointer: `/${key}`, line: 3, code: 'SCHEMA' }),
      ]);
    }
  });

  it('does not mistake such a name inside CDATA or a comment for a key', () => {
    const xml =
      '<account><!-- <constructor> --><genericSmsSendUrl>https://e.com/s</genericSmsSendUrl>' +
      '<genericSmsPostData><![CDATA[<constructor>%sms_body%</constructor>]]></genericSmsPostData>' +
      '<genericSmsContentType>application/xml</genericSmsContentType></account>';
    expect(accountFromXml(xml, 'a.xml').values.genericSmsPostData).toBe('<constructor>%sms_body%</constructor>');
  });

  it('refuses __proto__ as a key of a JSON account, where JSON.parse makes it an own key', () => {
    const json = JSON.parse(
      '{"genericSmsSendUrl": "https://e.com/s?x=%account[__proto__]%", "__proto__": "v"}',
    ) as object;
    // Every problem is reported at once: the refused key, and the template that uses it.
    expect(issuesOf(() => accountFromValue(json, 'a.account.json', undefined))).toEqual([
      expect.objectContaining({ file: 'a.account.json', pointer: '/__proto__', code: 'SCHEMA' }),
      expect.objectContaining({ pointer: '/genericSmsSendUrl', code: 'ACCOUNT_MISSING_VALUE' }),
    ]);
  });

  it('renders an optional parameter named like an inherited property as empty when the account lacks it', () => {
    const provider = providerFromValue(
      {
        id: 'p',
        name: 'P',
        docs: 'https://example.com/docs',
        parameters: { toString: { description: 'an optional value', required: false } },
        services: { sendMessage: { url: 'https://e.com/s?x=%account[toString]%&to=%sms_to%' } },
      },
      'p.json',
    );
    const account = accountFromValue({ provider: 'p' }, 'a.account.json', undefined);
    const request = createConnector({ provider, account }).render('sendMessage', { sms_to: '+15551231234' });
    expect(request.url).toBe('https://e.com/s?x=&to=%2B15551231234');
  });
});
