/**
 * Rate limits held in Redis: the same sliding window as the in-process limiter, across separate
 * limiter instances (each its own connection, as on separate machines) and across worker processes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../packages/queue/src/redis-rate-limiter.js';
import { bulkDir, recipientsCsv } from '../helpers/bulk.js';
import { run } from '../helpers/cli.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';
import { providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const redis = useRedis();

/** The most starts (by weight) in any window of `windowMs` that begins at a start. */
function busiest(times: readonly number[], windowMs: number, weights: readonly number[] = times.map(() => 1)): number {
  const order = times.map((t, i) => [t, weights[i] ?? 1] as const).sort((a, b) => a[0] - b[0]);
  let most = 0;
  for (let i = 0; i < order.length; i++) {
    let sum = 0;
    for (let j = i; j < order.length && (order[j]?.[0] ?? 0) < (order[i]?.[0] ?? 0) + windowMs; j++)
      sum += order[j]?.[1] ?? 0;
    most = Math.max(most, sum);
  }
  return most;
}

// Several processes timed against each other on a 2-core machine: one retry is allowed (vitest reports it).
describe.skipIf(!hasRedis)(
  hasRedis ? 'rate limits shared through Redis' : `rate limits shared through Redis: ${NO_REDIS}`,
  { retry: 1 },
  () => {
    it('a Retry-After one worker received holds the others: a hold on one connection delays acquire on another, limits or not', async () => {
      const r = await redis();
      const clients = [new Redis(r.url), new Redis(r.url)];
      try {
        const [a, b] = clients.map((c) => new RedisRateLimiter(c, 'held', []));
        a!.hold(400);
        await new Promise((resolve) => setTimeout(resolve, 20)); // the hold is a fire-and-forget write
        const started = performance.now();
        (await b!.acquire([], []))();
        expect(performance.now() - started).toBeGreaterThanOrEqual(350);
        a!.hold(100);
        b!.hold(50); // shorter: does not cut the first
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await r.client.pttl('switchboard:ratelimit:held:hold')).toBeGreaterThan(60);
      } finally {
        for (const c of clients) c.disconnect();
      }
    });

    it('a hold is kept per hold scope: another account of the same provider is not held', async () => {
      const r = await redis();
      const client = new Redis(r.url);
      try {
        const a = new RedisRateLimiter(client, 'provider', [], 'provider:account-a');
        const b = new RedisRateLimiter(client, 'provider', [], 'provider:account-b');
        a.hold(60_000);
        // The hold is a fire-and-forget write: wait until Redis has it, rather than a fixed time.
        await until(
          async () => (await r.client.pttl('switchboard:ratelimit:provider:account-a:hold')) > 0,
          5000,
          'the hold',
        );
        (await b.acquire([], []))();
        // b went while a's hold was still in force (a minute: no busy machine takes that long), so
        // the hold did not reach b. No upper bound on b's wait, which a loaded machine would break.
        expect(await r.client.pttl('switchboard:ratelimit:provider:account-a:hold')).toBeGreaterThan(0);
      } finally {
        client.disconnect();
      }
    });

    it('two limiters on separate connections never let more than N start in any window, with weights and several limits', async () => {
      const r = await redis();
      const clients = [new Redis(r.url), new Redis(r.url)];
      try {
        const limits = [
          { amount: 4, windowMs: 400 },
          { amount: 10, windowMs: 1000 },
        ];
        const limiters = clients.map((c) => new RedisRateLimiter(c, 'test', limits));
        const starts: number[] = [];
        const weights: number[] = [];
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: 16 }, async (_, i) => {
            const weight = i % 3 === 0 ? 2 : 1;
            const dispatched = await limiters[i % 2]!.acquire(['account', 'account'], [weight, 1]);
            dispatched();
            starts.push(performance.now());
            weights.push(weight);
          }),
        );
        // Slack for the time between Redis counting a start and this process seeing the answer
        // (two connections: one answer can be read later than the other on a busy machine).
        expect(busiest(starts, 400 - 50, weights)).toBeLessThanOrEqual(4);
        expect(busiest(starts, 1000 - 50)).toBeLessThanOrEqual(10);
        expect(performance.now() - t0).toBeGreaterThan(1000); // 16 starts at 10 per second take longer than one window
        // Keys are forgotten when their window passes.
        await until(async () => (await r.client.keys('switchboard:ratelimit:*')).length === 0, 3000, 'keys to expire');
      } finally {
        for (const c of clients) c.disconnect();
      }
    }, 15_000);

    it('two worker processes together keep a provider limit of 5 per second', async () => {
      const times: number[] = [];
      const s = await server(() => {
        times.push(performance.now());
        return { status: 200, body: '{}' };
      });
      const r = await redis();
      const { dir, account, file } = await bulkDir();
      const limited = providerWith(
        {
          url: 'https://sms.example.com/send',
          contentType: 'application/json',
          body: { to: '%sms_to%', text: '%sms_body%', ref: '%message_id%' },
        },
        { rateLimits: [{ description: '5 per second', requests: 5, perSeconds: 1, key: '%account[username]%' }] },
      );
      await writeFile(join(dir, 'test.json'), JSON.stringify(limited));
      const total = 20;
      const csv = await file('r.csv', recipientsCsv(total));
      expect(
        (await run('enqueue', '--account', account, '--to-file', csv, '--body', 'Hi', '--redis', r.url)).code,
      ).toBe(0);
      const workers = await Promise.all([
        r.worker(['--origin', s.origin, '--concurrency', '8']),
        r.worker(['--origin', s.origin, '--concurrency', '8']),
      ]);
      await until(() => times.length === total, 15_000, 'every message to arrive');
      await Promise.all(workers.map((w) => w.stop()));

      // Arrival times are read by this process, which shares two cores with Redis and both workers:
      // 100 ms of slack for a request that left a worker, or was read here, late.
      expect(busiest(times, 1000 - 100)).toBeLessThanOrEqual(5);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(((total - 5) / 5) * 1000 - 100);
      expect(workers.every((w) => !/stopped: 0 sent/.test(w.output()))).toBe(true);
    }, 20_000);
  },
);
