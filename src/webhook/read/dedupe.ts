/**
 * A stable dedupe key per event: a hash of the provider, the endpoint and the normalised event
 * (with the provider's event id when the file names one). A retried delivery reads to the same
 * event, so it gets the same key; storing by key makes handling idempotent.
 */
import { createHash } from 'node:crypto';

/** The key for `event` (without its own dedupeKey) from `providerId` at `endpoint`. */
export function dedupeKey(providerId: string, endpoint: string, eventId: string | undefined, event: object): string {
  const fields = Object.entries(event).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify([providerId, endpoint, eventId ?? null, fields]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}
