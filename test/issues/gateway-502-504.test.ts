/**
 * Issue 9, item 3: a gateway answering 502 or 504 may already have handed the message to the
 * provider, so for a send that is not idempotent the outcome is ambiguous: never retried, resumed
 * or enqueued again by Switchboard. 408, 429 and 503 say the request was not taken: retried.
 * Proven by counting what a loopback provider received.
 */
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../packages/queue/src/ledger.js';
import { arrivals, bulkDir, number, recipientsCsv } from '../helpers/bulk.js';
import { run } from '../helpers/cli.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const fast = { minDelayMs: 5, maxDelayMs: 20 };

/** A provider that answers `status` to the first request and 200 after. */
function firstThenOk(status: number) {
  let n = 0;
  return () => (++n === 1 ? { status } : { status: 200 });
}

describe('502 and 504 from a gateway', () => {
  it.each([502, 504])('a %i to a send that is not idempotent is ambiguous and not retried', async (status) => {
    const s = await server(firstThenOk(status));
    const sb = connect(
      providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } }),
      {},
      { origin: s.origin, retry: fast },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, status, retryable: true, ambiguous: true, code: 'PROVIDER_ERROR' });
    expect(result?.error).toMatch(/the provider may have received the message/);
    expect(s.requests).toHaveLength(1);
  });

  it.each([502, 504])(
    'a %i to an idempotent send (%message_id% as its key) is retried with the same key',
    async (status) => {
      const s = await server(firstThenOk(status));
      const sb = connect(
        providerWith({
          url: 'https://e.com/send',
          idempotent: true,
          headers: { 'Idempotency-Key': '%message_id%' },
          body: { to: '%sms_to%' },
        }),
        {},
        { origin: s.origin, retry: fast },
      );
      const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x', messageId: 'msg-7' });
      await sb.close();
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(s.requests.map((r) => r.headers['idempotency-key'])).toEqual(['msg-7', 'msg-7']);
    },
  );

  it.each([408, 429, 503])('a %i is definite and retried even when the send is not idempotent', async (status) => {
    const s = await server(firstThenOk(status));
    const sb = connect(
      providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } }),
      {},
      { origin: s.origin, retry: fast },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: true, attempts: 2 });
  });

  it('a 502 whose body carries an error code the provider declares is the provider speaking: definite', async () => {
    const s = await server(() => ({
      status: 502,
      headers: { 'content-type': 'application/json' },
      body: '{"code":"UPSTREAM"}',
    }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/send',
        body: { to: '%sms_to%' },
        response: {
          errorCodes: { pointer: '/code', codes: { UPSTREAM: { text: 'carrier down', retryable: false } } },
        },
      }),
      {},
      { origin: s.origin, retry: fast },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, ambiguous: false, retryable: false, providerCode: 'UPSTREAM' });
  });

  it('a bulk send lists 502 and 504 rows as ambiguous, and --resume does not send them again', async () => {
    // Rows 0, 5, 10 … get 502; rows 1, 6, 11 … get 504; the rest 200.
    const s = await server((request) => {
      const i = Number((JSON.parse(request.body) as { to: string }).to.slice(-4));
      return { status: i % 5 === 0 ? 502 : i % 5 === 1 ? 504 : 200 };
    });
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', recipientsCsv(20));
    const args = ['send', '--account', account, '--origin', s.origin, '--to-file', csv, '--body', 'Hi', '--json'];
    const first = JSON.parse((await run(...args)).out) as { sent: number; ambiguous: unknown[]; failed: unknown[] };
    expect(first).toMatchObject({ sent: 12, failed: [] });
    expect(first.ambiguous).toHaveLength(8);

    const resumed = JSON.parse((await run(...args, '--resume')).out) as { sent: number; ambiguous: unknown[] };
    expect(resumed.sent).toBe(0);
    expect(resumed.ambiguous).toHaveLength(8);
    const counts = arrivals(s.requests);
    expect(counts.size).toBe(20);
    expect(Math.max(...counts.values())).toBe(1);
  });
});

const redis = useRedis();

describe.skipIf(!hasRedis)(hasRedis ? '502 and 504 in the queue' : `502 and 504 in the queue: ${NO_REDIS}`, () => {
  it('a worker records a 502 as ambiguous, and enqueuing the same again does not send it again', async () => {
    const s = await server((request) => {
      const i = Number((JSON.parse(request.body) as { to: string }).to.slice(-4));
      return { status: i % 2 === 0 ? 502 : 503 };
    });
    const r = await redis();
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', recipientsCsv(10));
    const enqueue = async () =>
      JSON.parse(
        (await run('enqueue', '--account', account, '--to-file', csv, '--body', 'Hi', '--redis', r.url, '--json')).out,
      ) as { enqueued: number; alreadyTaken: number };
    expect(await enqueue()).toMatchObject({ enqueued: 10 });
    const worker = await r.worker(['--origin', s.origin, '--concurrency', '4']);
    const ledger = createLedger(r.client, 'switchboard');
    await until(async () => {
      const c = await ledger.counts();
      return c.sent + c.failed + c.ambiguous === 10;
    }, 15_000);
    // 503 rows: definite and retryable (retried by the connector, then recorded failed); 502 rows ambiguous.
    expect(await ledger.counts()).toEqual({ sent: 0, failed: 5, ambiguous: 5 });
    const before = s.requests.length;
    expect(await enqueue()).toMatchObject({ enqueued: 5, alreadyTaken: 5 });
    await until(async () => (await ledger.counts()).failed === 5 && s.requests.length > before, 15_000);
    await worker.stop();
    const counts = arrivals(s.requests);
    for (let i = 0; i < 10; i += 2) expect(counts.get(number(i))).toBe(1);
  }, 20_000);
});
