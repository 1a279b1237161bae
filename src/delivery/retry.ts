/**
 * Retries that are safe: only results classified retryable; never a request that may have reached
 * the provider (ambiguous) unless the service is idempotent; exponential backoff with full jitter,
 * or the provider's Retry-After; a cap on attempts and on total time.
 */
import type { SendResult } from '../result.js';
import { realClock, type Clock } from './rate-limiter.js';

/** How to retry. */
export interface RetryPolicy {
  /** Tries in all, the first included. 1 turns retries off. */
  readonly attempts: number;
  /** First backoff step, in ms; each later one doubles, up to maxDelayMs; the wait is a random part of it. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry starts after this many ms since the first try. */
  readonly maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, minDelayMs: 500, maxDelayMs: 30_000, maxTotalMs: 120_000 };

/** Whether `result` may be sent again. */
export function mayRetry(result: SendResult, idempotent: boolean): boolean {
  if (result.ok || !result.retryable) return false;
  return !result.ambiguous || idempotent;
}

/** How {@link withRetries} treats one message. */
export interface RetryContext {
  /** The service declares an idempotency mechanism: an ambiguous result may be retried. */
  readonly idempotent: boolean;
  /** Runs before each pause, and the pause waits for it (a journal withdraws its intent here). */
  readonly beforeWait?: (() => Promise<void> | undefined) | undefined;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/**
 * Sends with `send` until it succeeds, fails for good, or the policy is spent. The result says
 * how many attempts were made, its `durationMs` covers them all (backoff included), and a failure
 * after retries says it gave up; an ambiguous result that was not retried stays ambiguous.
 */
export async function withRetries(
  send: () => Promise<SendResult>,
  first: SendResult,
  policy: RetryPolicy,
  { idempotent, beforeWait, clock = realClock, random = Math.random }: RetryContext,
): Promise<SendResult> {
  const started = clock.now() - first.durationMs;
  let result = first;
  let attempt = 1;
  while (attempt < policy.attempts && mayRetry(result, idempotent)) {
    const backoff = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1)) * random();
    const delay = result.retryAfterMs ?? backoff;
    if (clock.now() - started + delay > policy.maxTotalMs) break;
    const withdrawn = beforeWait?.();
    if (withdrawn !== undefined) await withdrawn;
    await clock.sleep(delay);
    result = await send();
    attempt++;
  }
  if (attempt === 1) return result;
  // The result of the last try, timed over all of them, and saying when the tries ran out.
  const timed = { attempts: attempt, durationMs: Math.round(clock.now() - started) };
  if (result.ok) return { ...result, ...timed };
  return { ...result, ...timed, error: `${result.error} (gave up after ${attempt} attempts)` };
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
