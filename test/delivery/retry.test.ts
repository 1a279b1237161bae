/** Safe retries: definite transient failures are retried with backoff or Retry-After; a request that may have arrived only where the service is idempotent. */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, withRetries, DEFAULT_RETRY } from '../../src/delivery/retry.js';
import type { SendResult } from '../../src/result.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const fast = { minDelayMs: 5, maxDelayMs: 20 };

/** Two recipients one after the other, retries off: the first gets `first`, the second 200; the ms between the two requests. */
async function twoAfter(first: { status: number; headers: Record<string, string> }) {
  const times: number[] = [];
  const s = await server(() => {
    times.push(performance.now());
    return times.length === 1 ? first : { status: 200 };
  });
  const sb = connect(
    providerWith({ url: 'https://e.com/?to=%sms_to%' }),
    {},
    { origin: s.origin, retry: false, concurrency: 1 },
  );
  const results = await sb.sendMessage({ to: ['+15551230001', '+15551230002'], body: 'x' });
  await sb.close();
  return { results, gap: (times[1] ?? 0) - (times[0] ?? 0) };
}

describe('retries', () => {
  it('retries a 503 and returns the success, saying how many attempts it took', async () => {
    let n = 0;
    const s = await server(() => (++n < 3 ? { status: 503 } : { status: 200 }));
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin, retry: fast });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: true, status: 200, attempts: 3 });
    expect(s.requests).toHaveLength(3);
  });

  it('waits as long as Retry-After asks', async () => {
    const times: number[] = [];
    const s = await server(() => {
      times.push(performance.now());
      return times.length === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 };
    });
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin, retry: fast });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('backs off on a 429 without Retry-After, and a run of 429s ends retryable with the attempts counted', async () => {
    const times: number[] = [];
    const s = await server(() => {
      times.push(performance.now());
      return { status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"Too many requests"}' };
    });
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%' }),
      {},
      { origin: s.origin, retry: { attempts: 3, minDelayMs: 100, maxDelayMs: 400 } },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      status: 429,
      retryable: true,
      ambiguous: false,
      attempts: 3,
      error: 'Too many requests (gave up after 3 attempts)',
    });
    expect(result?.retryAfterMs).toBeUndefined();
    expect(s.requests).toHaveLength(3);
    // Full jitter: each wait is a random part of its step (100 ms, then 200 ms), never longer.
    const waits = [(times[1] ?? 0) - (times[0] ?? 0), (times[2] ?? 0) - (times[1] ?? 0)];
    expect(waits[0]).toBeLessThan(100 + 50);
    expect(waits[1]).toBeLessThan(200 + 50);
  });

  it('holds the connector’s other requests as long as a Retry-After asks, not only that message’s retry', async () => {
    const { results, gap } = await twoAfter({ status: 429, headers: { 'retry-after': '1' } });
    expect(results.map((r) => [r.status, r.retryAfterMs])).toEqual([
      [429, 1000],
      [200, undefined],
    ]);
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('passes a Retry-After on to a shared limiter, also for a provider that declares no limits', async () => {
    const s = await server(() => ({ status: 429, headers: { 'retry-after': '2' } }));
    const holds: number[] = [];
    const acquired: unknown[][] = [];
    const rateLimiter = {
      acquire: async (keys: readonly string[]) => {
        acquired.push([...keys]);
        return () => undefined;
      },
      hold: (ms: number) => void holds.push(ms),
    };
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%' }),
      {},
      { origin: s.origin, retry: false, rateLimiter },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ status: 429, retryAfterMs: 2000 });
    expect(acquired).toEqual([[]]); // asked before the request, with no keys: only holds apply
    expect(holds).toEqual([2000]);
  });

  it('does not hold the connector for a Retry-After beyond the retry budget: the results say how long', async () => {
    const { results, gap } = await twoAfter({ status: 503, headers: { 'retry-after': '3600' } });
    expect(results.map((r) => [r.status, r.retryAfterMs])).toEqual([
      [503, 3_600_000],
      [200, undefined],
    ]);
    expect(gap).toBeLessThan(500);
  });

  it('gives up when Retry-After is past the total time allowed, and says how long the provider asked', async () => {
    const s = await server(() => ({ status: 503, headers: { 'retry-after': '30' } }));
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%' }),
      {},
      { origin: s.origin, retry: { ...fast, maxTotalMs: 1000 } },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, status: 503, retryable: true, retryAfterMs: 30_000 });
    expect(s.requests).toHaveLength(1);
  });

  it('never retries a final failure', async () => {
    const s = await server(() => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"Invalid recipient"}',
    }));
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin, retry: fast });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result?.attempts).toBeUndefined();
    expect(s.requests).toHaveLength(1);
  });

  it('does not resend a request that may have arrived, unless the service is idempotent', async () => {
    const resetThenOk = () => {
      let n = 0;
      return () =>
        ++n === 1
          ? (_req: unknown, res: { socket: { destroy(): void } | null }) => res.socket?.destroy()
          : { status: 200 };
    };
    const plain = await server(resetThenOk());
    const sb = connect(
      providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } }),
      {},
      { origin: plain.origin, retry: fast },
    );
    const [once] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(once).toMatchObject({ ok: false, ambiguous: true, code: 'NETWORK_RESET' });
    expect(plain.requests).toHaveLength(1);

    const keyed = await server(resetThenOk());
    const idempotent = connect(
      providerWith({
        url: 'https://e.com/send',
        idempotent: true,
        headers: { 'Idempotency-Key': '%message_id%' },
        body: { to: '%sms_to%' },
      }),
      {},
      { origin: keyed.origin, retry: fast },
    );
    const [retried] = await idempotent.sendMessage({ to: '+15551230001', body: 'x', messageId: 'msg-42' });
    await idempotent.close();
    expect(retried).toMatchObject({ ok: true, attempts: 2 });
    expect(keyed.requests.map((r) => r.headers['idempotency-key'])).toEqual(['msg-42', 'msg-42']);
  });

  it('keeps a generated message id the same on every retry', async () => {
    let n = 0;
    const s = await server(() => (++n === 1 ? { status: 503 } : { status: 200 }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/send',
        headers: { 'X-Ref': '%message_id%', 'X-Request': '%request_id%' },
        body: { to: '%sms_to%' },
      }),
      {},
      { origin: s.origin, retry: fast },
    );
    await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    const [a, b] = s.requests;
    expect(a?.headers['x-ref']).toBe(b?.headers['x-ref']);
    expect(a?.headers['x-request']).not.toBe(b?.headers['x-request']);
  });

  it('refuses idempotent: true on a service that never sends %message_id%', () => {
    expect(() => connect(providerWith({ url: 'https://e.com/?to=%sms_to%', idempotent: true }))).toThrow(
      /never sends %message_id%/,
    );
  });

  it('backs off exponentially with jitter, capped', async () => {
    const waits: number[] = [];
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => void waits.push(ms) };
    const failed: SendResult = {
      ok: false,
      recipient: 'x',
      status: 503,
      error: 'unavailable',
      code: 'PROVIDER_ERROR',
      retryable: true,
      ambiguous: false,
      durationMs: 0,
    };
    const result = await withRetries(
      async () => failed,
      failed,
      { ...DEFAULT_RETRY, attempts: 6, minDelayMs: 100, maxDelayMs: 500 },
      { idempotent: false, clock, random: () => 1 },
    );
    expect(waits).toEqual([100, 200, 400, 500, 500]);
    expect(result.attempts).toBe(6);
    t = 0;
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
