/**
 * `switchboard/queue` for programs: enqueue, a worker in this process, status, and clearing a
 * finished queue; proven by what a loopback provider received.
 */
import { describe, expect, it } from 'vitest';
import { openQueue, startWorker } from '../../packages/queue/src/index.js';
import { arrivals, bulkDir, number } from '../helpers/bulk.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const redis = useRedis();
const messages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: String(i + 1), to: number(i), body: `Hello ${i}` }));

describe.skipIf(!hasRedis)(hasRedis ? 'the queue API' : `the queue API: ${NO_REDIS}`, () => {
  it('enqueues, sends through a worker once each, reports, and clears a finished queue', async () => {
    const s = await server(() => ({ status: 200, body: '{}' }));
    const r = await redis();
    const { account } = await bulkDir();
    const queue = await openQueue({ redis: r.url, queue: 'api' });
    try {
      expect(await queue.enqueue(messages(20), { account, campaign: 'c1' })).toMatchObject({
        campaign: 'c1',
        enqueued: 20,
        alreadyQueued: 0,
        alreadyTaken: 0,
      });
      await expect(queue.clear()).rejects.toThrow(
        /still has 20 waiting and 0 active messages; clear it once they are done, or force the clear \(--force\)/,
      );

      const worker = startWorker({ redis: r.url, queue: 'api' }, { origin: s.origin, concurrency: 4 });
      await worker.ready();
      await until(async () => (await queue.status()).sent === 20);
      await worker.close();
      expect(worker.counts).toMatchObject({ sent: 20, failed: 0, ambiguous: 0 });
      expect(arrivals(s.requests).size).toBe(20);
      expect(Math.max(...arrivals(s.requests).values())).toBe(1);

      // The records keep a second enqueue from sending again, until the queue is cleared.
      expect(await queue.enqueue(messages(20), { account, campaign: 'c1' })).toMatchObject({
        enqueued: 0,
        alreadyTaken: 20,
      });
      expect(await queue.clear()).toMatchObject({ sent: 20, waiting: 0 });
      expect(await queue.status()).toMatchObject({ waiting: 0, active: 0, sent: 0, failed: 0, ambiguous: 0 });
      expect(await r.client.keys('switchboard:api:*')).toEqual([]);
    } finally {
      await queue.close();
    }
  }, 30_000);

  it('drops waiting messages unsent only when forced', async () => {
    const r = await redis();
    const { account } = await bulkDir();
    const queue = await openQueue({ redis: r.url, queue: 'api' });
    try {
      await queue.enqueue(messages(5), { account, campaign: 'c2' });
      expect(await queue.clear({ force: true })).toMatchObject({ waiting: 5 });
      expect(await queue.status()).toMatchObject({ waiting: 0, sent: 0 });
    } finally {
      await queue.close();
    }
  });

  it('says where Redis was expected when it is not there', async () => {
    await expect(openQueue({ redis: 'redis://127.0.0.1:1' })).rejects.toThrow(
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/,
    );
  });
});
