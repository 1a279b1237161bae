/**
 * `beforeSend`: the hook a journal records its intent in. It runs once per message, after the rate
 * limits let the request go and before it goes; `false` withdraws the message, a rejection rejects.
 */
import { describe, expect, it } from 'vitest';
import type { Limiter } from '../../src/delivery/rate-limiter.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const limited = providerWith(
  { url: 'https://e.com/send', body: { to: '%sms_to%', text: '%sms_body%' } },
  { rateLimits: [{ description: 'per account', requests: 1, perSeconds: 60, key: '%account[username]%' }] },
);

/** A limiter that holds every request until the test lets it go. */
function heldLimiter() {
  const waiting: (() => void)[] = [];
  const limiter: Limiter = { acquire: () => new Promise((resolve) => waiting.push(() => resolve(() => undefined))) };
  return { limiter, waiting, release: () => waiting.shift()?.() };
}

describe('beforeSend', () => {
  it('runs after the rate limits let the request go, and the request waits for it', async () => {
    const s = await server(() => ({ status: 200 }));
    const held = heldLimiter();
    const sb = connect(limited, {}, { origin: s.origin, rateLimiter: held.limiter });
    const events: string[] = [];
    let finishIntent!: () => void;
    const sending = sb.sendMessage({
      to: '+15551231234',
      body: 'Hi',
      beforeSend: () => {
        events.push(`beforeSend, ${s.requests.length} requests`);
        return new Promise<void>((resolve) => (finishIntent = resolve));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]); // still held by the limits: nothing recorded
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['beforeSend, 0 requests']);
    expect(s.requests).toHaveLength(0); // waiting for the hook
    finishIntent();
    const [result] = await sending;
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(s.requests).toHaveLength(1);
    await sb.close();
  });

  it('runs once for a message split into parts, and once across retries', async () => {
    let calls = 0;
    const split = await server(() => ({ status: 200 }));
    const file = providerWith(
      { url: 'https://e.com/send', body: { to: '%sms_to%', text: '%sms_body%' } },
      { messageLength: { max: 160, overflow: 'split' } },
    );
    const sb = connect(file, {}, { origin: split.origin });
    const [result] = await sb.sendMessage({
      to: '+15551231234',
      body: 'x'.repeat(300),
      beforeSend: () => void (calls += 1),
    });
    expect(result?.ok).toBe(true);
    expect(split.requests).toHaveLength(2);
    expect(calls).toBe(1);
    await sb.close();

    // 503 then 200: two requests, one call.
    calls = 0;
    let answered = 0;
    const flaky = await server(() =>
      answered++ === 0 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200 },
    );
    const retrying = connect(
      providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } }),
      {},
      { origin: flaky.origin, retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 2 } },
    );
    const [retried] = await retrying.sendMessage({
      to: '+15551231234',
      body: 'Hi',
      beforeSend: () => void (calls += 1),
    });
    expect(retried).toMatchObject({ ok: true, attempts: 2 });
    expect(calls).toBe(1);
    await retrying.close();
  });

  it('sends nothing when it answers false: the result is NOT_SENT, definite and final', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } }), {}, { origin: s.origin });
    const results = await sb.sendMessage({ to: ['+15551231234', '+15551231235'], body: 'Hi', beforeSend: () => false });
    expect(results.map((r) => [r.ok, r.code, r.ambiguous, r.retryable])).toEqual([
      [false, 'NOT_SENT', false, false],
      [false, 'NOT_SENT', false, false],
    ]);
    expect(s.requests).toHaveLength(0);
    await sb.close();
  });

  it('rejects sendMessage when it throws, and sends nothing', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } }), {}, { origin: s.origin });
    await expect(
      sb.sendMessage({ to: '+15551231234', body: 'Hi', beforeSend: () => Promise.reject(new Error('disk full')) }),
    ).rejects.toThrow('disk full');
    expect(s.requests).toHaveLength(0);
    await sb.close();
  });
});
