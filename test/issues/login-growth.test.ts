/**
 * Issue 16, item 3: logins could be 64 KB long; 400 failed logins with distinct long logins added
 * 64 MB of RSS and 25 MB of logs. Now a login is at most 64 characters in the gateway file and in
 * requests (a longer one is refused before any check), the failure table is keyed by a digest,
 * swept by time and bounded in size, and logs show a login cut to 32 characters.
 */
import { Writable } from 'node:stream';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';
import { ConfigError } from '../../src/errors.js';
import { createAuthenticator, MAX_LOGIN_LENGTH } from '../../packages/gateway/src/app/auth.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { hashPassword, scryptRuns } from '../../packages/gateway/src/config/password.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';
import schema from '../../schemas/gateway.schema.json' with { type: 'json' };

describe('the length of a login', () => {
  it('is capped in the schema at the length requests are capped at', async () => {
    expect(schema.properties.users.items.properties.login.maxLength).toBe(MAX_LOGIN_LENGTH);
    const dir = await mkdtemp(join(tmpdir(), 'sb-login-length-'));
    await writeFile(join(dir, 'account.json'), JSON.stringify({ provider: 'twilio', username: 'AC1', password: 'x' }));
    const file = join(dir, 'gateway.json');
    const user = { login: 'a'.repeat(65), passwordHash: await hashPassword('p'), numbers: ['+15550100001'] };
    await writeFile(
      file,
      JSON.stringify({
        publicUrl: 'http://127.0.0.1:8080',
        users: [{ ...user, account: 'account.json' }],
        database: { sqlite: 'g.db' },
      }),
    );
    const error = await loadGateway(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.pointer)).toContain('/users/0/login');
  });
});

describe('failed logins to a running gateway', () => {
  let provider: DemoServer;
  let gateway: Gateway;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    provider = await startDemoServer();
    const { file } = await writeGatewayFiles(provider.origin, [
      { login: 'alice', password: 'real', numbers: ['+15550100001'] },
    ]);
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    gateway = await startGateway(await loadGateway(file), { port: 0 }, { logger: { level: 'info', stream } });
  });
  afterAll(async () => {
    await gateway.close();
    await provider.close();
  });

  const post = (username: string) =>
    fetch(`${gateway.url}/acrobits/fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'guess' }),
    });

  it('refuse a login longer than any user may have with 400, before any check or log of it', async () => {
    const before = scryptRuns();
    const response = await post('x'.repeat(MAX_LOGIN_LENGTH + 1));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/username.*64 characters/);
    expect(scryptRuns()).toBe(before);
    expect(JSON.stringify(lines)).not.toContain('x'.repeat(33));
  });

  it('log a long login cut short', async () => {
    const login = `${'y'.repeat(40)}-tail`;
    expect((await post(login)).status).toBe(401);
    const failure = lines.find((l) => l.msg === 'wrong login or password');
    expect(failure?.login).toBe(`${'y'.repeat(32)}…`);
    expect(JSON.stringify(lines)).not.toContain('-tail');
  });
});

describe('the failure table', () => {
  it('stays within its bound however many distinct logins and addresses fail', async () => {
    const auth = createAuthenticator([], { maxFailures: 1000, maxTracked: 8 });
    for (let i = 0; i < 12; i++) {
      await auth.check(`${String(i).padStart(2, '0')}${'z'.repeat(62)}`, 'guess', `10.0.0.${i}`);
      expect(auth.tracked).toBeLessThanOrEqual(8);
    }
  }, 60_000);

  it('forgets failures whose window has ended', async () => {
    const auth = createAuthenticator([], { maxFailures: 1000, windowMs: 1 });
    for (let i = 0; i < 8; i++) await auth.check(`login-${i}`, 'guess', `10.0.1.${i}`);
    // Each check took a scrypt, far longer than the 1 ms window, so each swept all but the keys
    // of the check just before it (whose failure may be less than 1 ms old): 4 kept, not 16.
    expect(auth.tracked).toBeLessThanOrEqual(4);
  }, 60_000);
});
