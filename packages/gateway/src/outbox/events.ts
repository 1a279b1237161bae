/**
 * The events written to the outbox: what the user's application receives, one JSON document per
 * delivery, shaped as Standard Webhooks suggests (`type`, `timestamp`, `data`). Built from the
 * message as stored, inside the transaction that stored it, so a stored message always has its event.
 */
import { randomUUID } from 'node:crypto';
import type { StoredMessage } from '../store/store.js';
import { subscribersOf, type OutboxEventType, type Subscription } from './subscriptions.js';

/** One row to insert: `[id, subscription, type, payload, created_ms, window_ms, next_ms]` (OUTBOX_SQL.insert). */
export type OutboxRowValues = [string, string, string, string, number, number, number];

/** `data` of an event **(contract)**: the message as the gateway stored it. */
export interface MessageEventData {
  /** Our id of the message (the uid; `%message_id%` in status callbacks). */
  readonly id: string;
  /** The user it belongs to, and its sms_id in the app's Fetch. */
  readonly user: string;
  readonly smsId: string;
  readonly direction: 'in' | 'out';
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly contentType: string;
  readonly status: string;
  readonly providerAccount: string;
  readonly providerMessageId: string | null;
  /** When it was received (inbound) or sent (outgoing), RFC 3339. */
  readonly date: string;
}

/** The data of an event about `message`. */
export function eventData(message: StoredMessage): MessageEventData {
  const inbound = message.direction === 'in';
  return {
    id: message.uid,
    user: message.login,
    smsId: String(message.seq),
    direction: message.direction,
    from: inbound ? message.peer : message.ownNumber,
    to: inbound ? message.ownNumber : message.peer,
    text: message.text,
    contentType: message.contentType,
    status: message.status,
    providerAccount: message.providerAccount,
    providerMessageId: message.providerMessageId ?? null,
    date: message.sendingDate,
  };
}

/** Writes the outbox rows of events, from inside the store's transactions. */
export interface OutboxWriter {
  /** Whether any subscription wants `type` (so the store reads nothing back when none does). */
  wants(type: OutboxEventType): boolean;
  /** The rows for an event of `type` about `message`: one per subscription that wants it. */
  rows(type: OutboxEventType, message: StoredMessage): OutboxRowValues[];
  /** Told after rows were written, so a dispatcher in this process looks at once. */
  written(): void;
}

/**
 * An outbox writer for `subscriptions`; `written` is called after rows were added (the caller
 * schedules its look after the commit).
 */
export function createOutboxWriter(subscriptions: readonly Subscription[], written: () => void = () => undefined) {
  const wanted = new Set(subscriptions.flatMap((s) => [...s.events]));
  const writer: OutboxWriter = {
    wants: (type) => wanted.has(type),
    rows(type, message) {
      const to = subscribersOf(subscriptions, type, message.login, message.ownNumber);
      if (to.length === 0) return [];
      const now = Date.now();
      const payload = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data: eventData(message) });
      return to.map((s) => [`msg_${randomUUID().replaceAll('-', '')}`, s.name, type, payload, now, now, now]);
    },
    written,
  };
  return writer;
}
