/**
 * The provider's rate limits held across every worker, through Redis: the same sliding window over
 * start times as the in-process `RateLimiter` (several limits, keys, weights), kept in one sorted
 * set per limit and key, scored by Redis' own clock so workers on machines whose clocks differ agree.
 * Checking and counting are one Lua script, so two workers can never both take the last slot.
 * A provider's Retry-After is shared too: one key per provider that holds every worker until it expires.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Limiter, WindowLimit } from 'switchboard/internal/delivery/rate-limiter.js';
import type { Provider } from 'switchboard/internal/provider/compile-provider.js';
import { RATE_LIMIT_PREFIX } from './location.js';

/**
 * KEYS: the hold key, then one sorted set per limit. ARGV: the member's token, then amount, window
 * (ms) and weight per limit. Members are `<token>:<weight>`, scored by start time in ms. Returns the
 * wait in ms (as a string, Lua numbers would be cut to integers), or `0` when the request was counted.
 */
const ACQUIRE = `
local held = redis.call('PTTL', KEYS[1])
if held > 0 then return tostring(held) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local wait = 0
for i = 2, #KEYS do
  local k = i - 1
  local amount = tonumber(ARGV[k * 3 - 1])
  local window = tonumber(ARGV[k * 3])
  local weight = tonumber(ARGV[k * 3 + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local entries = redis.call('ZRANGE', KEYS[i], 0, -1, 'WITHSCORES')
  local total = 0
  for j = 1, #entries, 2 do total = total + tonumber(string.match(entries[j], ':(%d+)$')) end
  if total + weight > amount then
    local freed = 0
    for j = 1, #entries, 2 do
      freed = freed + tonumber(string.match(entries[j], ':(%d+)$'))
      if total - freed + weight <= amount then
        wait = math.max(wait, tonumber(entries[j + 1]) + window - now)
        break
      end
    end
  end
end
if wait > 0 then return tostring(wait) end
for i = 2, #KEYS do
  local k = i - 1
  redis.call('ZADD', KEYS[i], now, ARGV[1] .. ':' .. ARGV[k * 3 + 1])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[k * 3])))
end
return '0'
`;

/** Sets the hold key (KEYS[1]) to expire in ARGV[1] ms, unless it already lasts longer. */
const HOLD = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
`;

/** Moves a counted start to now (only ever later), when the request actually goes out. ARGV as ACQUIRE. */
const DISPATCHED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', 'GT', now, ARGV[1] .. ':' .. ARGV[i * 3 + 1])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[i * 3])))
end
return 0
`;

/** How stale a worker's view of the hold may be, for a provider without limits. */
const HOLD_CHECK_MS = 100;

type ScriptRedis = Redis & {
  switchboardAcquire(numKeys: number, ...args: (string | number)[]): Promise<string>;
  switchboardHold(numKeys: number, ...args: (string | number)[]): Promise<number>;
  switchboardDispatched(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/**
 * A {@link Limiter} whose counts live in Redis, shared by every worker that names the same
 * provider `scope` (its id). Keys are the provider's rendered key templates, hashed, so an account
 * name or a recipient number is not written to Redis in clear. A key that falls out of its window
 * expires, so Redis memory stays flat.
 * @example
 * const limiter = new RedisRateLimiter(redis, provider.id, provider.rateLimits);
 * const sb = createConnector({ provider, account, rateLimiter: limiter });
 */
export class RedisRateLimiter implements Limiter {
  private readonly redis: ScriptRedis;
  private nextHoldCheck = 0;

  constructor(
    redis: Redis,
    private readonly scope: string,
    private readonly limits: readonly WindowLimit[],
    /** Who a Retry-After holds: by default everyone using `scope`; queue workers pass the account. */
    private readonly holdScope: string = scope,
  ) {
    if (!('switchboardAcquire' in redis)) {
      redis.defineCommand('switchboardAcquire', { lua: ACQUIRE });
      redis.defineCommand('switchboardDispatched', { lua: DISPATCHED });
      redis.defineCommand('switchboardHold', { lua: HOLD });
    }
    this.redis = redis as ScriptRedis;
  }

  /** Waits until every limit allows the request, then counts it; see `Limiter`. Rejects only when Redis does. */
  async acquire(keys: readonly string[], weights: readonly number[]): Promise<() => void> {
    if (this.limits.length === 0) return this.awaitHold();
    const names = this.limits.map((limit, i) => this.keyName(limit, keys[i] ?? ''));
    const token = randomUUID();
    const args: (string | number)[] = [token];
    this.limits.forEach((limit, i) =>
      args.push(limit.amount, limit.windowMs, Math.max(1, Math.min(Math.round(weights[i] ?? 1), limit.amount))),
    );
    const keysOf = [this.holdKey(), ...names];
    for (;;) {
      const wait = Number(await this.redis.switchboardAcquire(keysOf.length, ...keysOf, ...args));
      if (wait <= 0) break;
      // A little jitter, so workers that wait for the same slot do not all ask at once.
      await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * 2));
    }
    return () => {
      // The mark is best effort: if it is lost, the start counts from when it was acquired, a moment earlier.
      this.redis.switchboardDispatched(names.length, ...names, ...args).catch(() => undefined);
    };
  }

  /**
   * Holds every worker's requests through this limiter's hold scope (the account, for workers) for `ms`; see
   * `Limiter`. Best effort: if Redis does not take it, each worker still holds its own requests.
   */
  hold(ms: number): void {
    this.nextHoldCheck = 0;
    this.redis.switchboardHold(1, this.holdKey(), Math.ceil(ms)).catch(() => undefined);
  }

  /**
   * Without limits only a hold can delay a request. Its key is read at most every
   * {@link HOLD_CHECK_MS} rather than once a request, so a hold another worker sets is seen within
   * that time, and a provider without limits costs no Redis round trip per message.
   */
  private async awaitHold(): Promise<() => void> {
    while (performance.now() >= this.nextHoldCheck) {
      const held = await this.redis.pttl(this.holdKey());
      if (held <= 0) {
        this.nextHoldCheck = performance.now() + HOLD_CHECK_MS;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, held + Math.random() * 2));
    }
    return () => undefined;
  }

  private holdKey(): string {
    return `${RATE_LIMIT_PREFIX}:${this.holdScope}:hold`;
  }

  private keyName(limit: WindowLimit, key: string): string {
    const hashed = createHash('sha256').update(key).digest('base64url').slice(0, 22);
    return `${RATE_LIMIT_PREFIX}:${this.scope}:${limit.amount}/${limit.windowMs}ms:${hashed}`;
  }
}

/**
 * The limiter of one account, as queue workers and gateway processes use it: the provider's limits
 * counted per provider, and a Retry-After held for everyone sending through the same account
 * (`account`: its file as every process names it, hashed).
 */
export function accountLimiter(redis: Redis, provider: Provider, account: string): RedisRateLimiter {
  const holdScope = `${provider.id}:${createHash('sha256').update(account).digest('base64url').slice(0, 16)}`;
  return new RedisRateLimiter(redis, provider.id, provider.rateLimits, holdScope);
}
