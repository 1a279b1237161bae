/** Credentials on every call: repeated failures are limited, and logged without the password. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';
import { createAuthenticator } from '../../packages/gateway/src/app/auth.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { hashPassword, scryptRuns } from '../../packages/gateway/src/config/password.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

describe('the credential check', () => {
  it('refuses an address or a login unchecked once it failed too often, with the time to wait', async () => {
    const user = { login: 'alice', passwordHash: await hashPassword('right'), numbers: ['+15550100001'] };
    const auth = createAuthenticator([{ ...user, sender: undefined as never }], { maxFailures: 2, windowMs: 60_000 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await auth.check('alice', 'wrong', '10.0.0.1'));
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.limited))).toEqual([false, false, true]);
    const refused = outcomes[2];
    // The window runs from the first failure: what is left of it, in whole seconds.
    const wait = refused?.ok === false && refused.limited ? refused.retryAfterSeconds : 0;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // Another address guessing the same login is refused too, and so is the right password:
    // it was never verified here, so it is not remembered.
    expect(await auth.check('alice', 'wrong', '10.0.0.2')).toMatchObject({ ok: false, limited: true });
    expect(await auth.check('alice', 'right', '10.0.0.3')).toMatchObject({ ok: false, limited: true });
    // The limited address cannot guess another login either.
    expect(await auth.check('bob', 'x', '10.0.0.1')).toMatchObject({ ok: false, limited: true });
  }, 20_000);

  it('runs one scrypt for concurrent checks of the same login and password, and one per distinct password', async () => {
    const user = { login: 'alice', passwordHash: await hashPassword('right'), numbers: ['+15550100001'] };
    const auth = createAuthenticator([{ ...user, sender: undefined as never }], { maxFailures: 100 });
    const before = scryptRuns();
    const rights = Array.from({ length: 20 }, (_, i) => auth.check('alice', 'right', `10.0.1.${i}`));
    const wrongs = Array.from({ length: 5 }, () => auth.check('alice', 'wrong', '10.0.2.1'));
    const other = auth.check('bob', 'right', '10.0.2.2');
    const outcomes = await Promise.all([...rights, ...wrongs, other]);
    expect(outcomes.map((o) => o.ok)).toEqual([...Array<boolean>(20).fill(true), ...Array<boolean>(6).fill(false)]);
    // alice+right, alice+wrong and bob+right (an unknown login, checked against a dummy hash).
    expect(scryptRuns() - before).toBe(3);
    // One guess sent many times at once is one guess: it counts once against the limit.
    const limited = createAuthenticator([{ ...user, sender: undefined as never }], { maxFailures: 2 });
    await Promise.all(Array.from({ length: 3 }, () => limited.check('alice', 'wrong', '10.0.3.1')));
    expect(await limited.check('alice', 'wrong-2', '10.0.3.1')).toEqual({ ok: false, limited: false });
    expect(await limited.check('alice', 'wrong-3', '10.0.3.1')).toMatchObject({ ok: false, limited: true });
  }, 20_000);

  it('lets twelve users behind one address log in together, while guesses from it stay bounded', async () => {
    const hash = await hashPassword('right');
    const users = Array.from({ length: 12 }, (_, i) => ({
      login: `user${i}`,
      passwordHash: hash,
      numbers: [`+155501000${String(i).padStart(2, '0')}`],
      sender: undefined as never,
    }));
    const auth = createAuthenticator(users, { maxFailures: 5 });
    const outcomes = await Promise.all(users.map((u) => auth.check(u.login, 'right', '192.0.2.10')));
    expect(outcomes.map((o) => o.ok)).toEqual(Array<boolean>(12).fill(true));
    // Forty parallel guesses at forty logins from one address: at most the limit plus the burst are checked.
    const guesses = await Promise.all(Array.from({ length: 40 }, (_, i) => auth.check(`x${i}`, 'g', '192.0.2.11')));
    expect(guesses.filter((o) => !o.ok && !o.limited).length).toBeLessThanOrEqual(5 + 16);
    expect(await auth.check('x-later', 'g', '192.0.2.11')).toMatchObject({ ok: false, limited: true });
  }, 30_000);
});

describe('fifty devices of one user logging in to the gateway at once', () => {
  it('are all let in after one scrypt', async () => {
    const provider = await startDemoServer();
    const { file } = await writeGatewayFiles(provider.origin, [
      { login: 'alice', password: 'fifty-devices', numbers: ['+15550100001'] },
    ]);
    const gateway = await startGateway(await loadGateway(file), { port: 0 }, { logger: { level: 'silent' } });
    try {
      const before = scryptRuns();
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const response = await fetch(`${gateway.url}/acrobits/fetch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'alice', password: 'fifty-devices', last_known_sms_id: '' }),
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      expect(statuses).toEqual(Array<number>(50).fill(200));
      expect(scryptRuns() - before).toBe(1);
    } finally {
      await gateway.close();
      await provider.close();
    }
  }, 30_000);
});

describe('a failed login, in the gateway log', () => {
  let provider: DemoServer;
  let gateway: Gateway;
  const lines: string[] = [];

  beforeAll(async () => {
    provider = await startDemoServer();
    const { file } = await writeGatewayFiles(provider.origin, [
      { login: 'alice', password: 'the-real-one', numbers: ['+15550100001'] },
    ]);
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    gateway = await startGateway(await loadGateway(file), { port: 0 }, { logger: { level: 'info', stream } });
  });

  afterAll(async () => {
    await gateway.close();
    await provider.close();
  });

  it('names the login and the address, never the password tried', async () => {
    const response = await fetch(`${gateway.url}/acrobits/fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'guess-Zq81', last_known_sms_id: '' }),
    });
    expect(response.status).toBe(401);
    const failure = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'wrong login or password');
    expect(failure).toMatchObject({ login: 'alice', address: '127.0.0.1' });
    expect(lines.join('')).not.toContain('guess-Zq81');
    expect(lines.join('')).not.toContain('the-real-one');
  });
});
