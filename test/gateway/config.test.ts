/** The gateway file: validated with located issues, a plain-text password refused, hashes made from stdin. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { ConfigError } from '../../src/errors.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { hashPassword, verifyPassword } from '../../packages/gateway/src/config/password.js';
import { run } from '../helpers/cli.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

async function issuesOf(file: string): Promise<string[]> {
  try {
    await loadGateway(file);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.pointer}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('loading a gateway file', () => {
  it('refuses a plain-text password, pointing at it and at the command that hashes it', async () => {
    const { dir } = await writeGatewayFiles('http://127.0.0.1:1', []);
    const file = join(dir, 'plain.json');
    const user = { login: 'alice', password: 'hunter2', numbers: ['+15550100001'], account: 'provider-account.json' };
    await writeFile(
      file,
      JSON.stringify({ publicUrl: 'https://sms.example.com', users: [user], database: { sqlite: 'x.db' } }),
    );
    const issues = await issuesOf(file);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^\/users\/0\/password: is a plain-text password.*switchboard gateway hash-password/);
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('reports every problem at once: http to a public host, a repeated login, a number owned twice, a bad account', async () => {
    const { dir } = await writeGatewayFiles('http://127.0.0.1:1', []);
    const hash = await hashPassword('pw');
    const file = join(dir, 'many.json');
    const users = [
      { login: 'a', passwordHash: hash, numbers: ['+15550100001'], account: 'provider-account.json' },
      { login: 'a', passwordHash: hash, numbers: ['+15550100001'], account: 'missing.json' },
    ];
    await writeFile(file, JSON.stringify({ publicUrl: 'http://sms.example.com', users, database: { sqlite: 'x.db' } }));
    const issues = await issuesOf(file);
    expect(issues).toEqual([
      expect.stringMatching(/^\/publicUrl: must be https:\/\//),
      expect.stringMatching(/^\/users\/1\/login: repeats the login of \/users\/0/),
      expect.stringMatching(/^\/users\/1\/numbers\/0: is already owned by \/users\/0/),
      expect.stringMatching(/^\/users\/1\/account: account file not found/),
    ]);
  });

  it('says what a malformed number or hash should look like', async () => {
    const { dir } = await writeGatewayFiles('http://127.0.0.1:1', []);
    const file = join(dir, 'shapes.json');
    const user = { login: 'a', passwordHash: 'md5$abc', numbers: ['555-0100'], account: 'provider-account.json' };
    await writeFile(
      file,
      JSON.stringify({ publicUrl: 'https://x.example', users: [user], database: { sqlite: 'x.db' } }),
    );
    expect(await issuesOf(file)).toEqual([
      expect.stringMatching(/^\/users\/0\/passwordHash: must be a hash made by `switchboard gateway hash-password`/),
      expect.stringMatching(/^\/users\/0\/numbers\/0: must be a number in E\.164/),
    ]);
  });

  it('refuses a send queue on an SQLite file, and a queue whose Redis variable is not set', async () => {
    const alice = { login: 'alice', password: 'pw', numbers: ['+15550100001'] };
    const { file } = await writeGatewayFiles('http://127.0.0.1:1', [alice], {
      queue: { redis: { env: 'SB_TEST_UNSET_REDIS_URL' } },
    });
    expect(await issuesOf(file)).toEqual([
      expect.stringMatching(/^\/queue: needs a PostgreSQL database/),
      expect.stringMatching(/^\/queue\/redis: reads environment variable SB_TEST_UNSET_REDIS_URL, which is not set/),
    ]);
  });

  it('is checked by switchboard validate like every other file, with every problem listed', async () => {
    const { dir, file } = await writeGatewayFiles('http://127.0.0.1:1', [
      { login: 'alice', password: 'pw', numbers: ['+15550100001'] },
    ]);
    const good = await run('validate', file);
    expect(good.code).toBe(0);
    expect(good.out).toContain('valid gateway (users: alice; database: sqlite)');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ users: [{ login: 'x', password: 'p' }], database: {} }));
    const result = await run('validate', bad);
    expect(result.code).toBe(2);
    expect(result.out).toContain('(gateway)');
    expect(result.out).toContain('#/users/0/password: is a plain-text password');
    expect(result.out).toContain('#/publicUrl: is required but missing');
  });
});

describe('switchboard gateway hash-password', () => {
  it('reads the password from standard input and prints a hash that verifies it', async () => {
    const out: string[] = [];
    const code = await runCli(['gateway', 'hash-password'], {
      out: (t) => out.push(t),
      err: () => {},
      tty: false,
      env: {},
      stdin: (async function* () {
        yield 's3cret pass\n';
      })(),
    });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('s3cret pass', out[0] ?? '')).toBe(true);
    expect(await verifyPassword('s3cret pass\n', out[0] ?? '')).toBe(false);
  });

  it('refuses a password given as an argument', async () => {
    const result = await run('gateway', 'hash-password', 'hunter2');
    expect(result.code).toBe(2);
    expect(result.err).toContain('never given as an argument');
  });
});
