/**
 * Issue 16, item 12: `%acount[from]%` was taken as literal text and sent as such, and an Account
 * XML key `genericSmsContentTyp` was kept silently, so the send went out as a form. A
 * placeholder-shaped near miss is refused at load with the closest known name; a key a letter
 * away from a web-service key is kept, with a warning naming that key.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { parseTemplate } from '../../src/template/parse.js';

let dir: string;
const file = async (name: string, content: string) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-near-miss-'));
});

const xml = (keys: string) => `<account><username>u</username><from>+15551230001</from>${keys}</account>`;

describe('near-miss placeholders', () => {
  it('refuses %acount[from]% in Account XML at load, naming %account[from]%', async () => {
    const path = await file(
      'acount.xml',
      xml('<genericSmsSendUrl>https://sms.example.com/send?from=%acount[from]%&amp;to=%sms_to%</genericSmsSendUrl>'),
    );
    const { code, err } = await run('render', '--account', path, '--to', '+15551230002', '--body', 'hi');
    expect(code).toBe(2);
    expect(err).toContain('unknown placeholder %acount[from]%; did you mean %account[from]%?');
  });

  it('refuses a near miss in a provider file, naming the declared parameter it resembles', async () => {
    const path = await file(
      'nearmiss.json',
      JSON.stringify({
        id: 'nearmiss',
        name: 'Near miss',
        docs: 'https://sms.example.com/docs',
        parameters: { from: { description: 'sender', required: true } },
        services: {
          sendMessage: { url: 'https://sms.example.com/send?from=%Acount[from]%&to=%sms_too%', method: 'GET' },
        },
      }),
    );
    const { code, out } = await run('validate', path);
    expect(code).toBe(2);
    expect(out).toContain('unknown placeholder %Acount[from]%; did you mean %account[from]%?');
    expect(out).toContain('unknown placeholder %sms_too%; did you mean %sms_to%?');
  });

  it('keeps percent signs that open no placeholder-shaped token as text', () => {
    for (const text of ['50% off', 'a=%2B1&b=%E2%82%AC', '100%[x]%', '%account[]%', '%1abc[x]%'])
      expect(parseTemplate(text)).toEqual([{ kind: 'literal', text }]);
  });
});

describe('Account XML keys that look misspelt', () => {
  const CONTENT_TYP = xml(
    '<genericSmsSendUrl>https://sms.example.com/send</genericSmsSendUrl><genericSmsPostData>{"to": "%sms_to%"}</genericSmsPostData><genericSmsContentTyp>application/json</genericSmsContentTyp><title>Work</title>',
  );

  it('warns about genericSmsContentTyp when rendering, naming genericSmsContentType, and nothing else', async () => {
    const path = await file('typ.xml', CONTENT_TYP);
    const { code, err } = await run('render', '--account', path, '--to', '+15551230002', '--body', 'hi');
    expect(code).toBe(0);
    expect(err).toContain(
      'typ.xml#/genericSmsContentTyp: is not a key Switchboard reads; did you mean "genericSmsContentType"?',
    );
    expect(err).not.toContain('/title');
  });

  it('shows the warning in validate, where the file still counts as valid', async () => {
    const path = await file('typ2.xml', CONTENT_TYP);
    const { code, out } = await run('validate', path);
    expect(code).toBe(0);
    expect(out).toContain('valid Acrobits account');
    expect(out).toContain('warning: ');
    expect(out).toContain('did you mean "genericSmsContentType"?');
  });
});
