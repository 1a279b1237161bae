/**
 * A stable dedupe key per event, built from what identifies it: the provider, the endpoint, the
 * provider's event id (when the file names one), the event type and provider message id, and for
 * a status also our message id, the status, its time and its error code. A retried delivery reads
 * to the same identity, so it gets the same key; storing by key makes handling idempotent.
 *
 * The key is that identity written out, each part length-prefixed (`12:SM0123456789`, `-` when
 * absent) so no id can be mistaken for a separator: unambiguous without a hash, and cheap for a
 * callback of hundreds of events. The text and media are not part of it: they belong to the
 * message the provider id names. Keys hold ids, never a secret or a text.
 *
 * @example dedupeKey('acme', 'status', undefined, { type: 'status', providerMessageId: 'SM1', status: 'sent' })
 *   // 'acme/6:status/-/status/3:SM1/-/sent/-/-'
 */
import type { InboundEvent, StatusEvent } from '../events.js';

/** The key for `event` (without its own dedupeKey) from `providerId` at `endpoint`. */
export function dedupeKey(
  providerId: string,
  endpoint: string,
  eventId: string | undefined,
  event: Omit<InboundEvent, 'dedupeKey'> | Omit<StatusEvent, 'dedupeKey'>,
): string {
  const key = `${providerId}/${part(endpoint)}/${part(eventId)}/${event.type}/${part(event.providerMessageId)}`;
  if (event.type !== 'status') return key;
  return `${key}/${part(event.messageId)}/${event.status}/${part(event.at)}/${part(event.errorCode)}`;
}

function part(value: string | undefined): string {
  return value === undefined ? '-' : `${value.length}:${value}`;
}
