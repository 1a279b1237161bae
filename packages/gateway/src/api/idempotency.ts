/**
 * Idempotency-Key (POST /v1/messages): the key is reserved in the database before anything is
 * sent, so the same key sent twice, at once, to two gateway processes, sends once. A repeat with
 * the same body gets the first answer (waiting for it while the first request is still being
 * answered); with another body it is refused.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiStore, Reservation } from './api-store.js';
import { ApiError } from './problem.js';

/** How often a repeat reads whether the first request has been answered. */
const POLL_MS = 50;

/** The digest that tells two bodies apart (of the validated body, so key order does not matter). */
export function bodyHash(body: { from: string; to: readonly string[]; text: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([body.from, body.to, body.text]))
    .digest('base64');
}

/** What a request with an Idempotency-Key does: send (it holds the key now), or answer as before. */
export type IdempotentStart =
  | { readonly kind: 'send' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: string }
  | { readonly kind: 'rebuild'; readonly uids: readonly string[] };

/**
 * Reserves `idemKey` for `keyId`, or finds how it was answered. `waitMs` bounds the wait for a
 * first request still running; one older than `staleMs` without an answer stopped (its process
 * died), and its answer is rebuilt from the messages it recorded.
 */
export async function startIdempotent(
  store: ApiStore,
  keyId: string,
  idemKey: string,
  hash: string,
  uids: readonly string[],
  bounds: { waitMs: number; staleMs: number },
): Promise<IdempotentStart> {
  let found: true | Reservation = await store.reserve(keyId, idemKey, hash, uids);
  if (found === true) return { kind: 'send' };
  if (found.bodyHash !== hash)
    throw new ApiError(
      'IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was used with another body in the last 24 hours; use a new key for a new request',
    );
  const deadline = performance.now() + bounds.waitMs;
  for (;;) {
    if (found.answer !== undefined) return { kind: 'replay', ...found.answer };
    if (Date.now() - found.createdMs > bounds.staleMs) return { kind: 'rebuild', uids: found.uids };
    if (performance.now() + POLL_MS > deadline) break;
    await sleep(POLL_MS);
    const again = await store.reservation(keyId, idemKey);
    if (again === undefined) break;
    found = again;
  }
  throw new ApiError('IDEMPOTENCY_IN_PROGRESS', 'the first request with this Idempotency-Key is still being answered', {
    headers: { 'retry-after': '1' },
  });
}
