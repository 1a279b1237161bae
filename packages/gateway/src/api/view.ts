/** A stored message as the API shows it (schemas/api-message.schema.json). */
import type { ApiMessage, ApiStatusChange } from 'switchboard/internal/generated/api-message.js';
import type { ApiEvent, ApiRow } from './api-store.js';

/** The API's word for a send state: `intent` is the request going out. */
function word(state: string): string {
  return state === 'intent' ? 'sending' : state;
}

/**
 * Where a message is now: received, or the furthest of its delivery status (sent, delivered, …)
 * and its send state (queued, sending, ambiguous, failed).
 */
export function currentStatus(row: ApiRow): string {
  if (row.direction === 'in') return 'received';
  if (row.statusRank >= 2 || row.sendState === undefined) return row.status;
  return word(row.sendState);
}

/** The timeline: each recorded change, a repeat of the one before left out. */
export function timelineOf(events: readonly ApiEvent[]): ApiStatusChange[] {
  const out: ApiStatusChange[] = [];
  for (const event of events) {
    const status = word(event.status);
    if (out.at(-1)?.status === status && event.error === undefined) continue;
    out.push({
      status,
      at: new Date(event.atMs).toISOString(),
      ...(event.error === undefined ? {} : { error: event.error }),
    });
  }
  return out;
}

/** The message `row`, with its timeline when `events` are given. */
export function messageView(row: ApiRow, events?: readonly ApiEvent[]): ApiMessage {
  const out = row.direction === 'out';
  const status = currentStatus(row);
  const failed = ['failed', 'ambiguous', 'undelivered', 'rejected', 'expired'].includes(status);
  return {
    id: row.uid,
    direction: row.direction,
    from: out ? row.ownNumber : row.peer,
    to: out ? row.peer : row.ownNumber,
    text: row.text,
    status,
    createdAt: row.sendingDate,
    ...(row.providerMessageId === undefined ? {} : { providerMessageId: row.providerMessageId }),
    ...(failed && row.error !== undefined
      ? { error: { ...(row.errorCode === undefined ? {} : { code: row.errorCode }), message: row.error } }
      : {}),
    ...(events === undefined
      ? {}
      : { timeline: out ? timelineOf(events) : [{ status: 'received', at: row.sendingDate }] }),
  };
}
