/**
 * Issue 16, item 11: `validate` reported schema problems first, and template, https,
 * duplicate-number and missing-file problems only once those were fixed. One run shows them all,
 * an unknown key names the nearest known one, and a oneOf's other branch adds no "must be array".
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

let dir: string;
const file = async (name: string, content: unknown) => {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(content));
  return path;
};
const PROVIDER = {
  id: 'plain',
  name: 'Plain',
  docs: 'https://plain.example/docs',
  parameters: {
    password: { description: 'API key', required: true, secret: true },
    from: { description: 'sender', required: true },
  },
  services: { sendMessage: { url: 'http://plain.example/send?key=%account[password]%&to=%sms_to%', method: 'POST' } },
};
const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-one-round-'));
  await file('plain.json', PROVIDER);
});

describe('validate reports every problem in one run', () => {
  it('names the nearest known key and still reports the template problem of the same service', async () => {
    const path = await file('typo.json', {
      ...PROVIDER,
      id: 'typo',
      services: {
        sendMessage: { url: 'https://plain.example/%nope%', method: 'POST', contenType: 'application/json' },
      },
    });
    const { code, out } = await run('validate', path);
    expect(code).toBe(2);
    expect(out).toContain('typo.json: 2 problems');
    expect(out).toContain('#/services/sendMessage/contenType: is not a known property; did you mean "contentType"?');
    expect(out).toContain('#/services/sendMessage/url: unknown placeholder %nope%');
  });

  it('reports an account schema problem with its missing value and a secret bound for plain http', async () => {
    const path = await file('account.json', { provider: './plain.json', password: 'k', defaultCountry: 'usa' });
    const { code, out } = await run('validate', path);
    expect(code).toBe(2);
    expect(out).toContain('account.json: 3 problems');
    expect(out).toContain('#/defaultCountry: must be a two-letter ISO 3166 country code');
    expect(out).toContain('#/from: is required by provider plain');
    expect(out).toContain('a secret would be sent over plain http to plain.example');
  });

  it('reports a route file schema problem with every missing account file', async () => {
    const path = await file('routes.json', {
      routes: [{ prefix: '+1', accounts: ['gone-1.json', 'gone-2.json'] }],
      defaultCountri: 'US',
    });
    const { code, out } = await run('validate', path);
    expect(code).toBe(2);
    expect(out).toContain('#/defaultCountri: is not a known property; did you mean "defaultCountry"?');
    expect(out).toContain('gone-1.json');
    expect(out).toContain('gone-2.json');
  });

  it('reports a gateway plain password with the https, duplicate-number and missing-file problems', async () => {
    const path = await file('gateway.json', {
      publicUrl: 'http://sms.example.com',
      database: { sqlite: 'gw.db' },
      users: [
        { login: 'alice', password: 'secret', numbers: ['+15551230001'], account: 'missing.json' },
        { login: 'bob', passwordHash: HASH, numbers: ['+15551230001'], account: 'missing.json' },
      ],
    });
    const { code, out } = await run('validate', path);
    expect(code).toBe(2);
    expect(out).toContain('#/users/0/password: is a plain-text password');
    expect(out).toContain('#/publicUrl: must be https://');
    expect(out).toContain('#/users/1/numbers/0: is already owned by /users/0');
    expect(out).toContain('account file not found');
    expect(out).not.toContain('#/users/0/passwordHash');
  });

  it('says what a string that is no JSON Pointer must be, without the array branch of its oneOf', async () => {
    const path = await file('pointer.json', {
      ...PROVIDER,
      id: 'pointer',
      services: {
        sendMessage: {
          ...PROVIDER.services.sendMessage,
          url: 'https://plain.example/send',
          response: { messageId: 'id' },
        },
      },
    });
    const { code, out } = await run('validate', path);
    expect(code).toBe(2);
    expect(out).toContain('#/services/sendMessage/response/messageId: must be a JSON Pointer');
    expect(out).not.toContain('must be array');
  });
});
