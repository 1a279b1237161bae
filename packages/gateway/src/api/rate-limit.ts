/**
 * Each API key's rate limit: a token bucket per key in this process (several gateway processes
 * each allow the key its rate; docs/http-api.md says so).
 */
import type { ApiKeyConfig } from './keys.js';

/** Takes one request's token for a key: 0 when allowed, else the seconds until one is free. */
export type TakeToken = (key: ApiKeyConfig) => number;

/** A limiter over every key; `now` is for nothing but a clock in milliseconds. */
export function createKeyLimiter(now: () => number = () => performance.now()): TakeToken {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key) => {
    const { requests, perSeconds } = key.rateLimit;
    const perMs = requests / (perSeconds * 1000);
    const t = now();
    const bucket = buckets.get(key.id) ?? { tokens: requests, at: t };
    bucket.tokens = Math.min(requests, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    buckets.set(key.id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  };
}
