/**
 * Where a queue lives and the key names it uses: plain values, without the Redis client, so the CLI
 * can check its options and print its help without loading ioredis and BullMQ.
 */
import { SwitchboardError } from 'switchboard/internal/errors.js';

/** Where the queue lives. */
export interface QueueLocation {
  /** A `redis://` or `rediss://` URL. Default `redis://127.0.0.1:6379`. */
  readonly redis: string;
  /** The queue's name; several independent queues can share one Redis. Default `switchboard`. */
  readonly queue: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE = 'switchboard';

/** Fills in the defaults and checks the names. Throws a `USAGE` error for a bad URL or name. */
export function queueLocation(given: { redis?: string | undefined; queue?: string | undefined } = {}): QueueLocation {
  const redis = given.redis ?? DEFAULT_REDIS_URL;
  const queue = given.queue ?? DEFAULT_QUEUE;
  let url: URL;
  try {
    url = new URL(redis);
  } catch {
    throw new SwitchboardError(
      'USAGE',
      `the Redis address must be a URL such as redis://127.0.0.1:6379, not "${redis}"`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new SwitchboardError(
      'USAGE',
      `the Redis address must start with redis:// or rediss://, not ${url.protocol}//`,
    );
  if (!/^[A-Za-z0-9_.-]+$/.test(queue))
    throw new SwitchboardError('USAGE', `the queue name "${queue}" may hold only letters, digits, _ . and -`);
  return { redis, queue };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '****';
    return u.toString();
  } catch {
    return url;
  }
}

/** Key names of the ledger: what each job became, by job id (hashes). */
export function ledgerKeys(queue: string) {
  const base = `switchboard:${queue}`;
  return {
    intent: `${base}:intent`,
    sent: `${base}:sent`,
    failed: `${base}:failed`,
    ambiguous: `${base}:ambiguous`,
  } as const;
}

/** The prefix of the shared rate-limit keys. Not per queue: a provider's limits hold for every queue that uses the account. */
export const RATE_LIMIT_PREFIX = 'switchboard:ratelimit';
