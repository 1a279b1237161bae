/**
 * Redis connections of the queue. One Redis (not a cluster) holds the BullMQ queue, the ledger of
 * what each message became, and the shared rate limits; their key names are in `location.ts`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import { redactUrl, type QueueLocation } from './location.js';

/**
 * Opens a connection. `persistent` (workers): reconnect forever and keep commands until Redis is
 * back, so a worker rides out a Redis restart. Otherwise (enqueue, status): give up after about
 * two seconds with an error that names the address.
 */
export function connectRedis(location: QueueLocation, persistent: boolean): Redis {
  return new Redis(location.redis, {
    maxRetriesPerRequest: persistent ? null : 2,
    retryStrategy: (times) => (persistent ? Math.min(50 * times, 1000) : times > 4 ? null : 100 * times),
    lazyConnect: false,
  });
}

/** Waits for the connection, or throws a `USAGE` error that says where Redis was expected. */
export async function ready(redis: Redis, location: QueueLocation): Promise<void> {
  try {
    await redis.ping();
  } catch (error) {
    throw new SwitchboardError(
      'USAGE',
      `cannot reach Redis at ${redactUrl(location.redis)} (${(error as Error).message}); start it, or give --redis <url>`,
    );
  }
}

/** Closes a connection: a polite QUIT, but no waiting on a Redis that is gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  await Promise.race([redis.quit().catch(() => undefined), sleep(1000, undefined, { ref: false })]);
  redis.disconnect();
}
