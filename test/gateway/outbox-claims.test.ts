/**
 * Issue 19 item 3: the outbox's claims. Two gateway processes on one PostgreSQL (two stores here,
 * each with its own pool and instance) taking deliveries at once never take the same one; a
 * delivery whose process died is free again when its lease ends, not before; retries wait longer
 * each time, with jitter, and a failure after the retry window dead-letters.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterFailure, retryDelay } from '../../packages/gateway/src/outbox/backoff.js';
import { createOutboxWriter } from '../../packages/gateway/src/outbox/events.js';
import type { Subscription } from '../../packages/gateway/src/outbox/subscriptions.js';
import { openPostgresStore } from '../../packages/gateway/src/store/postgres-store.js';
import type { Store } from '../../packages/gateway/src/store/store.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const SUBSCRIPTION: Subscription = {
  name: 'app',
  url: 'http://127.0.0.1:9/',
  events: new Set(['message.received']),
  key: randomBytes(32),
  users: undefined,
  numbers: undefined,
  timeoutMs: 1_000,
  concurrency: 4,
  retry: { initialDelayMs: 1_000, maxDelayMs: 60_000, giveUpAfterMs: 86_400_000 },
};

let postgres: TestPostgres | undefined;
const stores: Store[] = [];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await postgres?.stop();
});

async function twoProcesses(): Promise<[Store, Store]> {
  const url = await createDatabase(postgres, 'outbox_claims');
  const writer = createOutboxWriter([SUBSCRIPTION]);
  const a = await openPostgresStore(url, writer);
  const b = await openPostgresStore(url, writer);
  stores.push(a, b);
  return [a, b];
}

/** Stores `n` inbound messages through `store`, each writing its event in the same transaction. */
async function receive(store: Store, n: number): Promise<void> {
  const stored = Array.from({ length: n }, (_, i) => {
    const record = {
      login: 'alice',
      uid: `uid-${i}`,
      ownNumber: '+15550100001',
      peer: '+15551231234',
      text: `hello ${i}`,
      contentType: 'text/plain',
      providerAccount: 'acct',
      providerMessageId: `p-${i}`,
      receivedAt: undefined,
      dedupeKey: `k-${i}`,
    };
    return store.insertInbound(record);
  });
  await Promise.all(stored);
}

describe.skipIf(!hasPostgres)('the outbox on one PostgreSQL shared by two processes', () => {
  it('writes one delivery per stored message, and never gives one delivery to both processes at once', async () => {
    const [a, b] = await twoProcesses();
    await receive(a, 100);
    // A repeat of a stored message writes no second event.
    await a.insertInbound({
      login: 'alice',
      uid: 'uid-again',
      ownNumber: '+15550100001',
      peer: '+15551231234',
      text: 'hello 0',
      contentType: 'text/plain',
      providerAccount: 'acct',
      providerMessageId: 'p-0',
      receivedAt: undefined,
      dedupeKey: 'k-0',
    });
    expect((await a.outbox.stats()).pending).toBe(100);
    const taken: Record<'a' | 'b', string[]> = { a: [], b: [] };
    const drain = async (name: 'a' | 'b', store: Store) => {
      for (;;) {
        const claimed = await store.outbox.claim('app', 7, 60_000);
        if (claimed.length === 0) return;
        taken[name].push(...claimed.map((d) => d.id));
      }
    };
    await Promise.all([drain('a', a), drain('b', b), drain('a', a), drain('b', b)]);
    const all = [...taken.a, ...taken.b];
    expect(all.length).toBe(100);
    expect(new Set(all).size).toBe(100);
    expect(taken.a.length).toBeGreaterThan(0);
    expect(taken.b.length).toBeGreaterThan(0);
  }, 60_000);

  it('frees the deliveries of a process that stopped mid-attempt once their lease ends, and only then', async () => {
    const [a, b] = await twoProcesses();
    await receive(a, 3);
    const held = await a.outbox.claim('app', 3, 1_500);
    expect(held).toHaveLength(3);
    // A is gone without settling. While its lease lasts, B gets nothing.
    expect(await b.outbox.claim('app', 3, 60_000)).toEqual([]);
    const deadline = Date.now() + 30_000;
    let retaken: Awaited<ReturnType<Store['outbox']['claim']>> = [];
    while (retaken.length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      retaken = [...retaken, ...(await b.outbox.claim('app', 3, 60_000))];
    }
    expect(retaken.map((d) => d.id).sort()).toEqual(held.map((d) => d.id).sort());
    // The late settle of A is refused: B holds them now.
    const late = { state: 'delivered' as const, nextMs: Date.now(), status: 200, error: undefined };
    expect(await a.outbox.settle(held[0]?.id ?? '', late)).toBe(false);
    expect(await b.outbox.settle(held[0]?.id ?? '', late)).toBe(true);
  }, 60_000);
});

describe('retries of a failed delivery', () => {
  it('waits between half and all of a doubling step, capped, and dead-letters a failure after the window', () => {
    const retry = { initialDelayMs: 1_000, maxDelayMs: 8_000, giveUpAfterMs: 86_400_000 };
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelay(retry, n, 0))).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelay(retry, n, 0.999_999))).toEqual([
      1_000, 2_000, 4_000, 8_000, 8_000, 8_000,
    ]);
    const failure = { status: 500, error: 'HTTP 500' };
    const now = 1_000_000_000;
    const within = afterFailure(retry, { attempts: 3, windowMs: now - 86_399_999 }, failure, now);
    expect(within.state).toBe('pending');
    expect(within.nextMs - now).toBeGreaterThanOrEqual(4_000);
    expect(afterFailure(retry, { attempts: 30, windowMs: now - 86_400_000 }, failure, now).state).toBe('dead');
  });
});
