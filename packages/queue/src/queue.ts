/**
 * The queue for programs: {@link openQueue} gives a handle to enqueue messages, read the status,
 * and clear what a finished campaign left in Redis. Workers are started with `startWorker`.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BulkItem } from 'switchboard/internal/bulk/items.js';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import { connectRedis, ready } from './connection.js';
import { ledgerKeys, queueLocation, type QueueLocation } from './location.js';
import { enqueueMessages, JOB_OPTIONS, type EnqueueOptions, type EnqueueSummary } from './enqueue.js';
import { queueCounts, queueStatus, type QueueCounts, type QueueStatus } from './status.js';

/** A handle on one queue. */
export interface SwitchboardQueue {
  readonly location: QueueLocation;
  /** Adds the messages of `items` (bad rows are only reported); adding the same again adds nothing. */
  enqueue(items: AsyncIterable<BulkItem> | Iterable<BulkItem>, options: EnqueueOptions): Promise<EnqueueSummary>;
  /** Counts, and the failed and ambiguous messages. */
  status(): Promise<QueueStatus>;
  /**
   * Forgets the queue: its jobs and every record of what its messages became. Redis keeps those
   * records until then, so that enqueuing the same messages again sends nothing twice; after a
   * clear it would send them again. Refuses while messages wait or are in progress, unless `force`
   * (which drops them unsent). Returns the counts it forgot.
   */
  clear(options?: { force?: boolean }): Promise<QueueCounts>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/**
 * Connects to the queue `queue` at `redis` (defaults: `redis://127.0.0.1:6379`, `switchboard`).
 * Rejects with a `USAGE` error that names the address when Redis cannot be reached within about
 * two seconds.
 * @example
 * const queue = await openQueue({ redis: 'redis://10.0.0.5:6379', queue: 'spring-sale' });
 * await queue.enqueue(readRecipients('spring.csv', { body: 'Hi %csv[name]%' }), { account: '/etc/switchboard/acme.json', campaign: 'spring' });
 * console.log(await queue.status());
 * await queue.close();
 */
export async function openQueue(given: { redis?: string; queue?: string } = {}): Promise<SwitchboardQueue> {
  const location = queueLocation(given);
  const redis = connectRedis(location, false);
  redis.on('error', () => undefined); // reported by ready() or the call that failed
  try {
    await ready(redis, location);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const queue = new Queue(location.queue, { connection: redis, defaultJobOptions: JOB_OPTIONS });
  return {
    location,
    enqueue: (items, options) => enqueueMessages(queue, redis, items, options),
    status: () => queueStatus(queue, redis),
    async clear(options = {}) {
      const before = await queueCounts(queue, redis);
      if (options.force !== true && before.waiting + before.active > 0) {
        throw new SwitchboardError(
          'USAGE',
          `queue ${location.queue} still has ${before.waiting} waiting and ${before.active} active messages; clear it once they are done, or force the clear (--force) to drop them unsent`,
        );
      }
      await queue.obliterate({ force: true });
      await clearLedger(redis, location.queue);
      return before;
    },
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}

async function clearLedger(redis: Redis, name: string): Promise<void> {
  const keys = ledgerKeys(name);
  await redis.del(keys.intent, keys.sent, keys.failed, keys.ambiguous);
}
