/**
 * `beforeSend`: the hook a journal records its intent in. It runs when a request of the message is
 * about to be written (after the rate limits, a free place on the wire and any retry pause) and
 * before it goes; `false` withdraws the message, a rejection rejects. `afterNotSent` withdraws the
 * intent before a retry pause when nothing of the message may have arrived.
 */
import { describe, expect, it } from 'vitest';
import type { Limiter } from '../../src/delivery/rate-limiter.js';
import type { ServerResponse } from 'node:http';
import { createRouter } from '../../src/routing/router.js';
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
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

  it('waits for a place on the wire first: a message queued behind busy connections has no intent', async () => {
    const held: ServerResponse[] = [];
    const s = await server(() => (_request, res) => void held.push(res));
    const sb = connect(
      providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%', text: '%sms_body%' } }),
      {},
      { origin: s.origin, concurrency: 2 },
    );
    const intents: number[] = [];
    const sending = [0, 1, 2, 3, 4].map((i) =>
      sb.sendMessage({ to: '+15551231234', body: `m${i}`, beforeSend: () => void intents.push(i) }),
    );
    await until(() => held.length === 2);
    // Two requests hold the two places; the other three wait, and none of them recorded an intent.
    expect(intents).toEqual([0, 1]);
    held.splice(0).forEach((res) => res.writeHead(200).end());
    await until(() => held.length === 2);
    expect(intents).toEqual([0, 1, 2, 3]);
    held.splice(0).forEach((res) => res.writeHead(200).end());
    await until(() => held.length === 1);
    held.splice(0).forEach((res) => res.writeHead(200).end());
    const results = (await Promise.all(sending)).flat();
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    expect(intents).toEqual([0, 1, 2, 3, 4]);
    expect(s.requests.map((r) => new URLSearchParams(r.body).get('text'))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    await sb.close();
  });

  it('withdraws the intent before a retry pause, and records it again before the retry goes out', async () => {
    const events: string[] = [];
    let answered = 0;
    const s = await server(() => {
      events.push('request');
      return answered++ === 0 ? { status: 503 } : { status: 200 };
    });
    const sb = connect(
      providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } }),
      {},
      { origin: s.origin, retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 2 } },
    );
    const [result] = await sb.sendMessage({
      to: '+15551231234',
      body: 'Hi',
      beforeSend: () => void events.push('intent'),
      afterNotSent: () => void events.push('withdrawn'),
    });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(events).toEqual(['intent', 'request', 'withdrawn', 'intent', 'request']);
    await sb.close();
  });

  it('keeps the intent across a retry once a part of the message was delivered', async () => {
    const events: string[] = [];
    let answered = 0;
    const s = await server(() => {
      events.push('request');
      return answered++ === 1 ? { status: 503 } : { status: 200 };
    });
    const sb = connect(
      providerWith(
        { url: 'https://e.com/send', body: { to: '%sms_to%', text: '%sms_body%' } },
        { messageLength: { max: 160, overflow: 'split' } },
      ),
      {},
      { origin: s.origin, retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 2 } },
    );
    const [result] = await sb.sendMessage({
      to: '+15551231234',
      body: 'x'.repeat(300),
      beforeSend: () => void events.push('intent'),
      afterNotSent: () => void events.push('withdrawn'),
    });
    expect(result?.ok).toBe(true);
    // Part 1 arrived: the message may have gone out, whatever part 2 met, so nothing is withdrawn.
    expect(events).toEqual(['intent', 'request', 'request', 'request']);
    await sb.close();
  });

  it('records one intent for a message a router falls back with, and withdraws it before a retry pause', async () => {
    const events: string[] = [];
    const refusing = await server(() => (events.push('A'), { status: 503 }));
    const taking = await server(() => (events.push('B'), { status: 200 }));
    const file = providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } });
    const target = (label: string) => ({
      label,
      provider: providerFromValue(file, 'test-provider'),
      account: accountFromValue({ provider: 'test', username: 'u', password: 'p' }, `${label}.account.json`, undefined),
    });
    const origins: Record<string, string> = { a: refusing.origin, b: taking.origin };
    const router = createRouter(
      { source: 'routes', defaultCountry: 'US', routes: [{ prefixes: [''], targets: [target('a'), target('b')] }] },
      { retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 2 } },
      (t) => ({ origin: origins[t.label] as string }),
    );
    const [result] = await router.sendMessage({
      to: '+15551231234',
      body: 'Hi',
      beforeSend: () => void events.push('intent'),
      afterNotSent: () => void events.push('withdrawn'),
    });
    expect(result?.ok).toBe(true);
    expect(events).toEqual(['intent', 'A', 'withdrawn', 'intent', 'A', 'B']);
    await router.close();
  });
});

/** Waits until `done()` holds, checking every few milliseconds. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}
