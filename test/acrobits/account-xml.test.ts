/** Account XML in and out: import → export keeps every key; a provider exports with what it cannot express named. */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAccountXml, writeAccountXml } from '../../src/acrobits/account-xml.js';
import { accountFromXml } from '../../src/acrobits/account.js';
import { exportAccount } from '../../src/acrobits/export.js';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';

const xmlFile = new URL('../fixtures/acrobits-account.xml', import.meta.url);

describe('Account XML', () => {
  it('keeps every key and rule through import then export', async () => {
    const text = await readFile(xmlFile, 'utf8');
    const imported = readAccountXml(text, 'a.xml');
    const account = accountFromXml(text, 'a.xml');
    const exported = exportAccount(account, account.inlineProvider!);
    expect(exported.notExpressible).toEqual([]);
    const again = readAccountXml(writeAccountXml(exported.values, exported.rewriting), 'b.xml');
    expect(again).toEqual(imported);
    expect(Object.keys(again.values)).toEqual(
      expect.arrayContaining([
        'genericSmsSendUrl',
        'genericSmsPostData',
        'genericSmsContentType',
        'genericSmsFetchUrl',
        'genericSmsFetchPostData',
        'genericSmsFetchContentType',
        'genericBalanceCheckUrl',
        'genericRateCheckUrl',
        'pushTokenReporterUrl',
        'pushTokenReporterPostData',
        'pushTokenReporterCustomHeaders',
      ]),
    );
  });

  it('writes any text value so that it reads back exactly', () => {
    const value = fc
      .string({ unit: 'grapheme' })
      .filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s) && s.trim() === s);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z][A-Za-z0-9]{0,12}$/).filter((k) => k !== 'rewriting'),
          value,
        ),
        (values) => {
          expect(readAccountXml(writeAccountXml(values, undefined), 'x').values).toEqual(values);
        },
      ),
    );
  });

  it('names the key that holds a bad placeholder, user name and password apart', () => {
    const xml =
      '<account><genericSmsSendUrl>https://e.com/send?to=%sms_to%</genericSmsSendUrl><genericSmsAuthUsername>%account[nosuch]%</genericSmsAuthUsername><genericSmsAuthPassword>secret</genericSmsAuthPassword></account>';
    expect(() => accountFromXml(xml, 'a.xml')).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ file: 'a.xml', pointer: '/genericSmsAuthUsername' })],
      }),
    );
  });

  it('reads an empty <rewriting/> as no rules, and writes it back', () => {
    const read = readAccountXml('<account><username>u</username><rewriting/></account>', 'x');
    expect(read.rewriting).toEqual([]);
    expect(writeAccountXml(read.values, read.rewriting)).toContain('<rewriting/>');
  });
});

describe('exporting a provider as Account XML', () => {
  it('writes the generic keys for the demo provider; the exported account renders the same request', async () => {
    const provider = await loadProvider('demo');
    const account = accountFromValue(
      { provider: 'demo', username: 'johndow', password: '12345678' },
      'a.json',
      undefined,
    );
    const exported = exportAccount(account, provider);
    expect(exported.values).toMatchObject({
      title: 'Switchboard demo (Acrobits Send Message, local)',
      username: 'johndow',
      password: '12345678',
      genericSmsSendUrl: 'http://127.0.0.1:8080/send_message/',
      genericSmsContentType: 'application/json',
    });
    expect(exported.notExpressible).toEqual([
      expect.stringMatching(/^numbers: the provider wants them as E164, but the apps send numbers as typed/),
    ]);
    const asXml = accountFromXml(writeAccountXml(exported.values, exported.rewriting), 'exported.xml');
    const params = { sms_to: '+15551231234', sms_body: 'Tom & "Jerry"\n50%' };
    const viaXml = createConnector({ account: asXml }).render('sendMessage', params, { showSecrets: true });
    const viaProvider = createConnector({ provider, account }).render('sendMessage', params, { showSecrets: true });
    expect(viaXml).toEqual(viaProvider);
  });

  it('says when the account’s and the provider’s rewriting rules become one list the apps run differently', async () => {
    const provider = await loadProvider('demo');
    const withRules = {
      ...provider,
      numbers: {
        ...provider.numbers,
        rewriting: [
          {
            conditions: [{ type: 'startsWith' as const, param: '+1555' }],
            actions: [{ type: 'append' as const, param: 'Z' }],
          },
        ],
      },
    };
    const account = accountFromValue(
      {
        provider: 'demo',
        username: 'u',
        password: 'p',
        rewriting: [{ conditions: [{ type: 'startsWith', param: '+' }], actions: [{ type: 'prepend', param: 'A' }] }],
      },
      'a.json',
      undefined,
    );
    const exported = exportAccount(account, withRules);
    expect(exported.rewriting).toHaveLength(2);
    expect(exported.notExpressible).toContainEqual(
      expect.stringMatching(/^rewriting: Switchboard runs the account's rules and then the provider's as two passes/),
    );
  });

  it('says what Twilio needs that the apps cannot do, and still writes the keys', async () => {
    const provider = await loadProvider('twilio');
    const account = accountFromValue(
      { provider: 'twilio', username: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', password: 'token', from: '+15557122661' },
      'a.json',
      undefined,
    );
    const exported = exportAccount(account, provider);
    expect(exported.values).toMatchObject({
      genericSmsSendUrl: 'https://api.twilio.com/2010-04-01/Accounts/%account[username]%/Messages.json',
      genericSmsPostData: 'To=%sms_to%&From=%account[from]%&Body=%sms_body%',
      genericSmsContentType: 'application/x-www-form-urlencoded',
      genericSmsAuthUsername: '%account[username]%',
      genericSmsAuthPassword: '%account[password]%',
    });
    expect(exported.notExpressible).toEqual([
      expect.stringContaining('sendMessage: the provider expects HTTP Basic sent with every request'),
      expect.stringContaining('fetchMessages: the provider expects HTTP Basic sent with every request'),
      expect.stringContaining("fetchMessages: the provider's message list is mapped from its own format"),
      expect.stringContaining('numbers: the provider wants them as E164'),
    ]);
  });

  it('names success rules on the body, which the apps do not have', async () => {
    const provider = await loadProvider('dialogtech');
    const account = accountFromValue(
      { provider: 'dialogtech', username: 'foo', password: 'bar', from: '5554332111' },
      'a.json',
      undefined,
    );
    expect(exportAccount(account, provider).notExpressible).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'sendMessage: success also depends on the body (/response/result); the apps count any 2xx as success',
        ),
      ]),
    );
  });

  it('names a success rule over several pointers and an error text joined from fields in words, not as [object Object]', async () => {
    const tropo = await loadProvider('tropo');
    const vonage = await loadProvider('vonage-messages');
    const notes = [
      ...exportAccount(accountFromValue({ provider: 'tropo', password: 't' }, 'a.json', undefined), tropo)
        .notExpressible,
      ...exportAccount(
        accountFromValue(
          { provider: 'vonage-messages', username: 'k', password: 's', from: '447700900001' },
          'b.json',
          undefined,
        ),
        vonage,
      ).notExpressible,
    ];
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining('success also depends on the body (/session/success or /success)'),
        expect.stringContaining('the error text is at /title + /detail;'),
      ]),
    );
  });

  it('names parameters the apps do not fill in: derived lookups and message facts', async () => {
    const provider = await loadProvider('vonage-sms');
    const account = accountFromValue(
      { provider: 'vonage-sms', username: 'k', password: 's', from: 'Acme' },
      'a.json',
      undefined,
    );
    expect(exportAccount(account, provider).notExpressible).toEqual(
      expect.arrayContaining([expect.stringContaining("%type% is Switchboard's, not the apps'")]),
    );
  });
});
