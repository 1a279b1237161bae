/**
 * A limit on failed logins, per login and per client address: past `maxFailures` in a window
 * (counted from the first failure), checks of that key are refused until the window ends, so
 * guessing costs the same however many connections an attacker opens. Checks still running count
 * against the limit too, or a burst of parallel guesses would all start before the first failed.
 * Only failures count: apps poll every few seconds, and many devices share one address behind NAT.
 * For the same reason a key may carry a burst: checks under way beyond the limit that it still lets
 * start (an address: many users behind one NAT log in together after a restart), so its failures in
 * a window stay bounded by the limit plus the burst, however many connections carry them.
 *
 * Keys are digests (a login may be any string a client sends), and the table is bounded: entries
 * whose window has ended are swept once per window, and past `maxTracked` the oldest are dropped.
 * Dropping one forgets its failures early, but filling the table takes `maxTracked` failures,
 * each a scrypt verification: far more time than the window lasts at the default sizes.
 */

/** Options with defaults, resolved by {@link createLoginLimiter}. */
export interface LoginLimitOptions {
  /** Failures allowed per key in a window. Default 5. */
  readonly maxFailures?: number;
  /** How long a key stays limited after its first failure, ms. Default 5 min. */
  readonly windowMs?: number;
  /** Most keys kept. Default 100,000. */
  readonly maxTracked?: number;
}

/** One key of a check: its digest, and how many checks under way beyond the limit it lets start. */
export interface LimitKey {
  readonly id: string;
  readonly burst: number;
}

/** Failures and checks under way of one key. */
interface Entry {
  since: number;
  failures: number;
  pending: number;
}

/** The limiter over keys the caller has already hashed. */
export interface LoginLimiter {
  /** How long, in ms, before `keys` may be checked again; 0: now. */
  waitFor(keys: readonly LimitKey[], now: number): number;
  /** Counts a check of `keys` as under way. */
  begin(keys: readonly LimitKey[], now: number): void;
  /** Ends a check begun with {@link begin}; a failure counts against every key. */
  end(keys: readonly LimitKey[], failed: boolean, now: number): void;
  /** How many keys are kept now. */
  readonly size: number;
  /** The options as resolved: failures allowed per key in a window, and the window, ms. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** The wait given while only checks under way fill the limit: they end within a second or so. */
const PENDING_WAIT_MS = 1000;

/** Creates a limiter. */
export function createLoginLimiter(options: LoginLimitOptions = {}): LoginLimiter {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 300_000;
  const maxTracked = options.maxTracked ?? 100_000;
  const entries = new Map<string, Entry>();
  let swept = 0;

  /** The entry of `key` with an ended window cleared. */
  const current = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.failures > 0 && now - entry.since >= windowMs) entry.failures = 0;
    return entry;
  };
  const sweep = (now: number) => {
    swept = now;
    for (const [key, entry] of entries) {
      if (current(key, now)?.failures === 0 && entry.pending === 0) entries.delete(key);
    }
  };
  const entryOf = (key: string, now: number): Entry => {
    const found = current(key, now);
    if (found !== undefined) return found;
    if (entries.size >= maxTracked) sweep(now);
    for (const oldest of entries.keys()) {
      if (entries.size < maxTracked) break;
      entries.delete(oldest);
    }
    const entry = { since: now, failures: 0, pending: 0 };
    entries.set(key, entry);
    return entry;
  };

  return {
    waitFor(keys, now) {
      if (now - swept >= windowMs) sweep(now);
      let wait = 0;
      for (const key of keys) {
        const entry = current(key.id, now);
        if (entry === undefined) continue;
        if (entry.failures < maxFailures && entry.failures + entry.pending < maxFailures + key.burst) continue;
        const left = entry.failures >= maxFailures ? entry.since + windowMs - now : PENDING_WAIT_MS;
        wait = Math.max(wait, left, 1);
      }
      return wait;
    },
    begin(keys, now) {
      for (const key of keys) entryOf(key.id, now).pending++;
    },
    end(keys, failed, now) {
      for (const key of keys) {
        const entry = entryOf(key.id, now);
        entry.pending = Math.max(0, entry.pending - 1);
        if (!failed) continue;
        if (entry.failures === 0) entry.since = now;
        entry.failures++;
      }
    },
    get size() {
      return entries.size;
    },
    maxFailures,
    windowMs,
  };
}
