/** Bad provider and account files fail at load with file, JSON pointer and what was expected. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountFromValue, loadAccount } from '../../src/config/load-account.js';
import { loadProvider, providerFromValue } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { ConfigError, NotFoundError, type ConfigIssue } from '../../src/errors.js';
import { providerWith } from '../helpers/setup.js';

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-'));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

function issuesOf(fn: () => unknown): ConfigIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

async function issuesOfAsync(fn: () => Promise<unknown>): Promise<ConfigIssue[]> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loading providers', () => {
  it('loads every built-in provider by id', async () => {
    const provider = await loadProvider('demo');
    expect(provider.services.sendMessage?.method).toBe('POST');
  });

  it('says which providers are built in when an id is unknown', async () => {
    await expect(loadProvider('nope')).rejects.toThrow(NotFoundError);
    await expect(loadProvider('nope')).rejects.toThrow(/no built-in provider "nope"; built in: .*demo/);
  });

  it('reports malformed JSON with the file and line', async () => {
    const file = await tempFile('acme.json', '{\n  "id": "acme",\n  "name": "Acme",\n}\n');
    const issues = await issuesOfAsync(() => loadProvider(file));
    expect(issues).toEqual([
      expect.objectContaining({ file, line: 4, code: 'SYNTAX', message: expect.stringContaining('not valid JSON') }),
    ]);
  });

  it('reports every schema violation at once, each with its JSON pointer', () => {
    const bad = { ...providerWith({ url: 'ftp://x', method: 'FETCH' as never, timeout: -1 }), extra: 1 } as unknown;
    const issues = issuesOf(() => providerFromValue(bad, 'acme.json'));
    const where = issues.map((i) => `${i.pointer}: ${i.message}`);
    expect(where).toEqual(
      expect.arrayContaining([
        '/extra: is not a known property (check the spelling; the schema lists the allowed ones)',
        '/services/sendMessage/url: must start with http:// or https://',
        expect.stringMatching(/^\/services\/sendMessage\/method: must be one of "GET", "POST"/),
        '/services/sendMessage/timeout: must be >= 1',
      ]),
    );
    expect(issues.every((i) => i.file === 'acme.json')).toBe(true);
  });

  it('refuses an unknown placeholder at load and lists the known ones', () => {
    const issues = issuesOf(() => providerFromValue(providerWith({ url: 'https://e.com/?to=%sms_to%&t=%text%' }), 'p'));
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/services/sendMessage/url',
        code: 'TEMPLATE_UNKNOWN_PLACEHOLDER',
        message: expect.stringMatching(/^unknown placeholder %text%; known here: %sms_to%, %sms_body%, %smart%/),
      }),
    ]);
  });

  it('refuses at load a body template that could never parse as its content type', () => {
    const issues = issuesOf(() =>
      providerFromValue(
        providerWith({ url: 'https://e.com/', contentType: 'application/json', postData: '{"to": "%sms_to%",}' }),
        'p',
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/services/sendMessage/postData',
        message: expect.stringContaining('the rendered JSON body does not parse'),
      }),
    ]);
  });

  it('refuses a header value with CR or LF written in the provider file', () => {
    const issues = issuesOf(() =>
      providerFromValue(providerWith({ url: 'https://e.com/', headers: { 'X-A': 'a\r\nX-Evil: 1' } }), 'p'),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/services/sendMessage/headers/X-A',
        message: expect.stringContaining('cannot contain CR or LF'),
      }),
    ]);
  });

  it('requires the id to equal the file name', () => {
    const issues = issuesOf(() =>
      providerFromValue({ ...providerWith({ url: 'https://e.com/' }), id: 'other' }, 'providers/acme.json'),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/id',
        message: 'is "other" but the file is named acme.json; they must be equal',
      }),
    ]);
  });
});

describe('loading accounts', () => {
  it('reads values from the environment and says which variable is missing', () => {
    const account = accountFromValue(
      { provider: 'demo', username: 'u', password: { env: 'SB_TEST_PW' } },
      'a.json',
      undefined,
      { SB_TEST_PW: 'pw' },
    );
    expect(account.values).toEqual({ username: 'u', password: 'pw' });
    const issues = issuesOf(() =>
      accountFromValue({ provider: 'demo', password: { env: 'SB_MISSING' } }, 'a.json', undefined, {}),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/password',
        message: expect.stringContaining('environment variable SB_MISSING, which is not set'),
      }),
    ]);
  });

  it('names the missing required value and how {"env": …} can supply it', async () => {
    const account = accountFromValue({ provider: 'demo', username: 'u' }, 'a.json', undefined);
    const issues = issuesOf(() =>
      createConnector({ provider: providerFromValue(providerWith({ url: 'https://e.com/' }), 'p'), account }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'a.json',
        pointer: '/password',
        code: 'ACCOUNT_MISSING_VALUE',
        message:
          'is required by provider test (secret) but missing; add "password": "…", or "password": {"env": "TEST_PASSWORD"} to read it from the environment',
      }),
    ]);
  });

  it('refuses at creation a secret bound for plain http to a remote host', () => {
    const provider = providerFromValue(providerWith({ url: 'http://sms.example.com/send?p=%account[password]%' }), 'p');
    const account = accountFromValue({ provider: 'test', username: 'u', password: 'pw' }, 'a.json', undefined);
    const issues = issuesOf(() => createConnector({ provider, account }));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'INSECURE_SECRET',
        message: expect.stringContaining('a secret would be sent over plain http to sms.example.com'),
      }),
    ]);
    expect(() => createConnector({ provider, account: { ...account, allowInsecureSecrets: true } })).not.toThrow();
    expect(() => createConnector({ provider, account, origin: 'http://127.0.0.1:9' })).not.toThrow();
  });

  it('refuses an invalid sender number at creation', () => {
    const provider = providerFromValue(providerWith({ url: 'https://e.com/?f=%account[from]%' }), 'p');
    const account = accountFromValue(
      { provider: 'test', username: 'u', password: 'pw', from: 'twelve' },
      'a.json',
      undefined,
    );
    expect(issuesOf(() => createConnector({ provider, account }))).toEqual([
      expect.objectContaining({ pointer: '/from', code: 'NUMBER_INVALID' }),
    ]);
  });

  it('reports schema problems in an account file with pointers, and the problems past them', async () => {
    const file = await tempFile('acct.json', JSON.stringify({ username: ['x'], defaultCountry: 'usa' }));
    const issues = await issuesOfAsync(() => loadAccount(file));
    expect(issues.map((i) => i.pointer).sort()).toEqual(['/defaultCountry', '/provider', '/username']);
  });

  it('asks for a provider when the account names none and defines no web service', () => {
    const issues = issuesOf(() => accountFromValue({ username: 'u' }, 'a.json', undefined));
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/provider',
        message: expect.stringContaining(
          'name a provider (see `switchboard providers`), or define the web services yourself',
        ),
      }),
    ]);
  });

  it('reads a JSON account that defines its own web services, as Account XML does', () => {
    const account = accountFromValue(
      {
        username: 'johndow',
        password: 'pw',
        genericSmsSendUrl: 'https://e.com/send?u=%account[username]%&to=%sms_to%',
      },
      'a.json',
      undefined,
    );
    expect(account.inlineProvider?.services.sendMessage?.url.source).toBe(
      'https://e.com/send?u=%account[username]%&to=%sms_to%',
    );
  });

  it('resolves a provider path relative to the account file', async () => {
    const file = await tempFile('acct.json', JSON.stringify({ provider: './acme.json', username: 'u' }));
    const account = await loadAccount(file);
    expect(account.provider).toBe(join(file, '..', 'acme.json'));
  });
});

describe('Acrobits Account XML', () => {
  const xml = (inner: string) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<account>\n  <title>My SMS</title>\n  <username>johndow</username>\n  <password>12345678</password>\n${inner}\n</account>`;

  it('carries its own Send Message web service, with XML text decoded', async () => {
    const file = await tempFile(
      'acct.xml',
      xml(
        '<genericSmsSendUrl>https://example.com/send_message/?from=%account[username]%&amp;to=%sms_to%&amp;body=%sms_body%</genericSmsSendUrl>',
      ),
    );
    const account = await loadAccount(file);
    expect(account.values.username).toBe('johndow');
    expect(account.inlineProvider?.services.sendMessage?.url.source).toBe(
      'https://example.com/send_message/?from=%account[username]%&to=%sms_to%&body=%sms_body%',
    );
  });

  it('accepts the genericSmsSend… spellings and custom headers', async () => {
    const file = await tempFile(
      'acct.xml',
      xml(
        '<genericSmsSendUrl>https://e.com/s</genericSmsSendUrl><genericSmsSendPostData>to=%sms_to%</genericSmsSendPostData><genericSmsSendContentType>application/x-www-form-urlencoded</genericSmsSendContentType><genericSmsCustomHeaders>X-A: 1\\nX-B: two</genericSmsCustomHeaders>',
      ),
    );
    const service = (await loadAccount(file)).inlineProvider?.services.sendMessage;
    expect(service?.method).toBe('POST');
    expect(service?.headers.map((h) => [h.name, h.value.source])).toEqual([
      ['X-A', '1'],
      ['X-B', 'two'],
    ]);
  });

  it('finds the line of an unexpected token, and does not quote the file around it (it may hold a secret)', async () => {
    const file = await tempFile(
      'acct.json',
      '{\n  "provider": "demo",\n  "password": "hunter2",\n  "username": johndow\n}\n',
    );
    const issues = await issuesOfAsync(() => loadAccount(file));
    expect(issues).toEqual([expect.objectContaining({ file, line: 4, code: 'SYNTAX' })]);
    expect(issues[0]?.message).toMatch(/^not valid JSON: Unexpected token 'j'$/);
  });

  it('reads rewriting rules', async () => {
    const file = await tempFile(
      'acct.xml',
      xml(
        '<genericSmsSendUrl>https://e.com/?to=%sms_to%</genericSmsSendUrl><rewriting><rule><conditions><condition type="startsWith" param="00"/></conditions><actions><action type="replace" param="+"/></actions></rule></rewriting>',
      ),
    );
    expect((await loadAccount(file)).rewriting).toEqual([
      { conditions: [{ type: 'startsWith', param: '00' }], actions: [{ type: 'replace', param: '+' }] },
    ]);
  });

  it('reports XML that is not well formed, with its line', async () => {
    const file = await tempFile('acct.xml', '<account>\n<username>x</user>\n</account>');
    expect(await issuesOfAsync(() => loadAccount(file))).toEqual([
      expect.objectContaining({ line: 2, code: 'SYNTAX' }),
    ]);
  });

  it('refuses DOCTYPE entities instead of expanding them', async () => {
    const file = await tempFile(
      'acct.xml',
      '<!DOCTYPE account [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<account><username>&b;</username><genericSmsSendUrl>https://e.com/</genericSmsSendUrl></account>',
    );
    expect(await issuesOfAsync(() => loadAccount(file))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('entities are never expanded') }),
    ]);
  });

  it('names the Account XML key whose URL is not http(s)', async () => {
    const file = await tempFile('acct.xml', xml('<genericSmsSendUrl>ftp://example.com/</genericSmsSendUrl>'));
    expect(await issuesOfAsync(() => loadAccount(file))).toEqual([
      expect.objectContaining({ pointer: '/genericSmsSendUrl', message: 'must start with http:// or https://' }),
    ]);
  });

  it('names the rule of a rewriting condition with an unknown type', async () => {
    const file = await tempFile(
      'acct.xml',
      xml(
        '<genericSmsSendUrl>https://e.com/</genericSmsSendUrl><rewriting><rule><conditions><condition type="startsWith" param="1"/></conditions></rule><rule><conditions><condition type="beginsWith" param="1"/></conditions></rule></rewriting>',
      ),
    );
    expect(await issuesOfAsync(() => loadAccount(file))).toEqual([
      expect.objectContaining({
        pointer: '/rewriting/1/conditions/0/type',
        message: expect.stringMatching(/^rule #2: must be one of "startsWith"/),
      }),
    ]);
  });
});
