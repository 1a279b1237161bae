/**
 * A provider's Retry-After (on 429 or 503) as a pause of every request of a connector, not only
 * the retry of the message that got it: the provider asked the account to wait. A shared limiter
 * (Redis, for queue workers) passes the hold on to every other process.
 */
import type { Limiter } from './rate-limiter.js';

/** The pause of one connector. */
export interface Pause {
  /** Milliseconds until requests may start again; 0 or less when they may now. */
  remaining(): number;
  /** Takes a result's Retry-After (ms). A wait longer than `maxMs` (the retry budget) is not held: the result reports it. */
  heed(retryAfterMs: number | undefined): void;
}

export function createPause(maxMs: number, limiter: Limiter | undefined): Pause {
  let until = 0;
  return {
    remaining: () => until - performance.now(),
    heed(wait) {
      if (wait === undefined || wait <= 0 || wait > maxMs) return;
      until = Math.max(until, performance.now() + wait);
      limiter?.hold?.(wait);
    },
  };
}
