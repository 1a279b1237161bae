/**
 * Holds documented rate limits before requests go out: for each limit and key, no more than N
 * requests (or parts) start in any window of T seconds: a sliding window over the actual start
 * times, not fixed buckets, so a burst across a bucket edge cannot exceed the limit.
 */

/** One limit, resolved: how much may start per window. */
export interface WindowLimit {
  readonly amount: number;
  readonly windowMs: number;
}

/** A clock and a way to wait on it; real time by default, a fake one in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Start times (with their weight) of recent requests, oldest first. */
interface Log {
  times: number[];
  weights: number[];
  total: number;
}

/**
 * What holds requests for the rate limits: `acquire` resolves when every limit allows a request
 * of `weights[i]` for key `keys[i]` (limits in the provider's order), counting it, and returns a
 * `dispatched` mark to call when the request actually goes out. {@link RateLimiter} is the
 * in-process one; a shared one (Redis, for workers on several machines) has the same shape.
 */
export interface Limiter {
  acquire(keys: readonly string[], weights: readonly number[]): Promise<() => void>;
  /**
   * The provider asked to wait `ms` (a Retry-After on 429 or 503): no `acquire` resolves before
   * then. Optional; a shared limiter holds every process that uses it.
   */
  hold?(ms: number): void;
}

/** A set of limits shared by every request of one connector. */
export class RateLimiter implements Limiter {
  private readonly logs: Map<string, Log>[];
  private readonly longestWindow: number;
  private lastSweep: number;
  private heldUntil = 0;

  constructor(
    private readonly limits: readonly WindowLimit[],
    private readonly clock: Clock = realClock,
  ) {
    this.logs = limits.map(() => new Map<string, Log>());
    this.longestWindow = Math.max(0, ...limits.map((l) => l.windowMs));
    this.lastSweep = clock.now();
  }

  /**
   * Waits until every limit allows a request of `weights[i]` for its key `keys[i]`, then counts it.
   * Checking and counting happen in one synchronous step, so concurrent callers cannot overshoot.
   * Returns `dispatched`: call it when the request actually goes out, so it is counted from then
   * (a little later than now), and the next request is spaced from the real start. A later time
   * only makes the limit stricter.
   */
  async acquire(keys: readonly string[], weights: readonly number[]): Promise<() => void> {
    for (;;) {
      const now = this.clock.now();
      const wait = this.waitTime(keys, weights, now);
      if (wait <= 0) return this.count(keys, weights, now);
      await this.clock.sleep(wait);
    }
  }

  /** Holds every request for `ms` from now (never shortens an earlier hold); see `Limiter`. */
  hold(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + ms);
  }

  /** How long until all limits allow the request; 0 when they do now. */
  private waitTime(keys: readonly string[], weights: readonly number[], now: number): number {
    let wait = Math.max(0, this.heldUntil - now);
    this.limits.forEach((limit, i) => {
      const log = this.prune(i, keys[i] ?? '', now, limit.windowMs);
      const weight = Math.min(weights[i] ?? 1, limit.amount);
      if (log === undefined || log.total + weight <= limit.amount) return;
      // Drop the oldest entries until the request fits; it may start when the last dropped one leaves the window.
      let freed = 0;
      for (let j = 0; j < log.times.length; j++) {
        freed += log.weights[j] ?? 0;
        if (log.total - freed + weight <= limit.amount) {
          wait = Math.max(wait, (log.times[j] ?? now) + limit.windowMs - now);
          return;
        }
      }
    });
    return wait;
  }

  private count(keys: readonly string[], weights: readonly number[], now: number): () => void {
    // Keys used once (a recipient) are forgotten by a sweep at most once per longest window.
    if (now - this.lastSweep >= this.longestWindow) this.sweep(now);
    const entries: { log: Log; at: number }[] = [];
    this.limits.forEach((limit, i) => {
      const key = keys[i] ?? '';
      let log = this.logs[i]?.get(key);
      if (log === undefined) {
        log = { times: [], weights: [], total: 0 };
        this.logs[i]?.set(key, log);
      }
      const weight = Math.min(weights[i] ?? 1, limit.amount);
      log.times.push(now);
      log.weights.push(weight);
      log.total += weight;
      entries.push({ log, at: now });
    });
    return () => {
      const sent = this.clock.now();
      for (const entry of entries) {
        const index = entry.log.times.lastIndexOf(entry.at);
        if (index >= 0 && sent > entry.at) entry.log.times[index] = sent;
      }
    };
  }

  /** Forgets start times older than the window; a key with none left is dropped, so memory stays flat. */
  private prune(index: number, key: string, now: number, windowMs: number): Log | undefined {
    const logs = this.logs[index];
    const log = logs?.get(key);
    if (log === undefined) return undefined;
    let drop = 0;
    while (drop < log.times.length && (log.times[drop] ?? 0) <= now - windowMs) {
      log.total -= log.weights[drop] ?? 0;
      drop++;
    }
    if (drop > 0) {
      log.times.splice(0, drop);
      log.weights.splice(0, drop);
    }
    if (log.times.length === 0) {
      logs?.delete(key);
      return undefined;
    }
    return log;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    this.limits.forEach((limit, i) => {
      for (const key of [...(this.logs[i]?.keys() ?? [])]) this.prune(i, key, now, limit.windowMs);
    });
  }

  /** Keys currently tracked, over all limits (for tests and diagnostics). */
  get trackedKeys(): number {
    return this.logs.reduce((n, m) => n + m.size, 0);
  }
}
