/**
 * A stable dedupe key per event: a hash of the provider, the endpoint and the normalised event
 * (with the provider's event id when the file names one). A retried delivery reads to the same
 * event, so it gets the same key; storing by key makes handling idempotent. Events are built by
 * the reader in one fixed field order, so their JSON text is canonical.
 */
import { hash } from 'node:crypto';

/** The key for `event` (without its own dedupeKey) from `providerId` at `endpoint`. */
export function dedupeKey(providerId: string, endpoint: string, eventId: string | undefined, event: object): string {
  return hash('sha256', JSON.stringify([providerId, endpoint, eventId ?? null, event]), 'base64url').slice(0, 32);
}
