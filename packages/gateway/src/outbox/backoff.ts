/**
 * When a failed delivery is tried again: exponential backoff with jitter, for at least the
 * subscription's `giveUpAfterMs` after the event, then dead-lettered. The jitter (each wait between
 * half and all of its step) spreads the retries of a receiver that came back after an outage.
 */
import type { Settlement } from './outbox-store.js';
import type { Subscription } from './subscriptions.js';

/**
 * The wait before attempt `attempts + 1`, after `attempts` failed ones: initialDelayMs, doubling,
 * at most maxDelayMs; `random` in [0, 1) picks where in its upper half.
 */
export function retryDelay(retry: Subscription['retry'], attempts: number, random: number = Math.random()): number {
  const step = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(step / 2 + (step / 2) * random);
}

/**
 * What a failed attempt leads to: another try later while the retry window (from `windowMs`, the
 * event or its replay) lasts, else dead. An attempt at or after the window's end is the last, so
 * retries run for at least the whole window.
 */
export function afterFailure(
  retry: Subscription['retry'],
  delivery: { readonly attempts: number; readonly windowMs: number },
  failure: { readonly status: number | undefined; readonly error: string },
  now: number = Date.now(),
): Settlement {
  const attempts = delivery.attempts + 1;
  if (now - delivery.windowMs >= retry.giveUpAfterMs)
    return { state: 'dead', nextMs: now, status: failure.status, error: failure.error };
  return { state: 'pending', nextMs: now + retryDelay(retry, attempts), status: failure.status, error: failure.error };
}
