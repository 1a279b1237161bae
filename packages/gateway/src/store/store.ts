/**
 * What the gateway keeps, behind one interface that an SQLite and a PostgreSQL implementation
 * share (same schema, same statements). Every method that the gateway acknowledges to someone
 * resolves only once the write is durable; writes arriving together share one commit (group-commit.ts).
 */
import type { OutboxStore } from '../outbox/outbox-store.js';
import type { FetchedMessage, PageBounds } from './fetch-statements.js';
import type { MediaSource, MediaStore } from './media-store.js';
import type { FailureLedger } from './login-failures.js';
import type { OptOutStore } from './opt-outs.js';

/** Where an outgoing message is: `queued` (certainly not sent), `intent` (its request may be going out), then the outcome. */
export type SendState = 'queued' | 'intent' | 'sent' | 'failed' | 'ambiguous';

/** A stored message, either direction. */
export interface StoredMessage {
  readonly login: string;
  /** The per-user sequence number; as text it is the `sms_id` the app sees. */
  readonly seq: number;
  /** Our own id of the message (`%message_id%`, DLR matching). */
  readonly uid: string;
  readonly direction: 'in' | 'out';
  /** The other party, E.164 where it is a number: the app's `stream_id`. */
  readonly peer: string;
  /** The user's number it went from or came to. */
  readonly ownNumber: string;
  readonly text: string;
  readonly contentType: string;
  readonly dispositionNotification: string;
  /** RFC 3339, UTC. */
  readonly sendingDate: string;
  readonly providerAccount: string;
  readonly providerMessageId: string | undefined;
  readonly status: string;
  readonly sendState: SendState | undefined;
  readonly error: string | undefined;
  /** The result code of a failed send (`NUMBER_INVALID`, `HTTP_ERROR`, …). */
  readonly errorCode: string | undefined;
}

/** A message the app asked to send. */
export interface OutgoingRecord {
  readonly login: string;
  readonly uid: string;
  readonly ownNumber: string;
  readonly peer: string;
  readonly text: string;
  readonly contentType: string;
  readonly dispositionNotification: string;
  readonly providerAccount: string;
}

/** A message a provider delivered; `dedupeKey` makes a provider's retry a no-op. */
export interface InboundRecord {
  readonly login: string;
  readonly uid: string;
  readonly ownNumber: string;
  readonly peer: string;
  readonly text: string;
  readonly contentType: string;
  readonly providerAccount: string;
  readonly providerMessageId: string | undefined;
  readonly receivedAt: string | undefined;
  readonly dedupeKey: string;
  /**
   * Set when `dedupeKey` is a digest of the content, valid only this long (the event's
   * `dedupeWindowSeconds`): the key is a repeat only within the window from its first sighting,
   * and the same content after it is a new message. Unset: the key is remembered as long as
   * {@link WEBHOOK_KEY_EXTRA_DAYS} says.
   */
  readonly dedupeWindowMs?: number | undefined;
  /** Its attachments, stored as pending in the same transaction and downloaded afterwards. */
  readonly media?: readonly MediaSource[] | undefined;
  /**
   * With `media`: Fetch holds this message (and every received one after it) back until the first
   * attempt at each file ended, or until this time at the latest (media-holds.ts). Unset: not held.
   */
  readonly heldUntilMs?: number | undefined;
}

/** What storing an inbound message did: stored now, or a repeat (whose first copy may be deleted). */
export type InboundStored =
  | { readonly inserted: true; readonly message: StoredMessage }
  | { readonly inserted: false; readonly message: StoredMessage | undefined };

/**
 * How much longer than the messages a webhook's dedupe key is kept, in days. Providers that sign
 * a timestamp refuse a replay after minutes or a day; the others (a signature over only the URL and
 * body) can be replayed whenever, so their keys are kept long: a key is a short row.
 */
export const WEBHOOK_KEY_EXTRA_DAYS = 365;

/** What became of a send. */
export interface SendOutcome {
  readonly state: 'sent' | 'failed' | 'ambiguous';
  readonly providerMessageId?: string | undefined;
  readonly error?: string | undefined;
  /** The send result's code, kept with a failure. */
  readonly code?: string | undefined;
}

/**
 * How an outgoing message's row starts: waiting for the wire (`queued`: certainly not sent), at the
 * wire (`intent`: its request is about to be written), or already settled (a send that failed
 * before any request, recorded in the same single write).
 */
export type OutgoingStart = { readonly state: 'queued' | 'intent' } | SendOutcome;

/** What a Push Token Reporter call reported; empty tokens leave the stored ones. */
export interface DeviceReport {
  readonly installid: string;
  readonly selector: string;
  readonly pushToken: string;
  readonly pushAppId: string;
  readonly tokenCall: string;
  readonly appIdCall: string;
  readonly tokenOther: string;
  readonly appIdOther: string;
}

/** A device of a user, with its tokens. */
export interface Device extends DeviceReport {
  readonly login: string;
  /** The key of the device: its selector, else its installid. */
  readonly device: string;
}

/** The cursors a Fetch call gives: the newest ids the device has; undefined = none. */
export interface FetchCursors {
  readonly received: number | undefined;
  readonly sent: number | undefined;
}

/** Runs one statement: `all` returns its rows (BIGINT may come as text), `run` how many rows it changed. */
export interface SqlRunner {
  all(sql: string, params: readonly unknown[]): Promise<Record<string, string | number | null>[]>;
  run(sql: string, params: readonly unknown[]): Promise<number>;
}

/** The store. */
export interface Store {
  /**
   * Records a message to send, taking its sms_id, as `start` says (`intent` when its request is
   * about to be written, so one write records both); owned by this process. Resolves once durable.
   */
  insertOutgoing(record: OutgoingRecord, start: OutgoingStart): Promise<StoredMessage>;
  /**
   * Marks a queued message as `intent`, owned by this process: its request goes out once this
   * resolves true. False when it was not queued (another process took it): send nothing.
   */
  markIntent(login: string, seq: number): Promise<boolean>;
  /**
   * Takes an intent back (`queued`, still this process's): no request of the message reached the
   * provider, and the next attempt claims it again. False when it was not in `intent`.
   */
  withdrawIntent(login: string, seq: number): Promise<boolean>;
  /**
   * Settles a message that is still `queued` as failed (with `error`), so it is never sent; false
   * when it was not queued any more (a sender claimed it).
   */
  failQueued(login: string, seq: number, error: string, code?: string): Promise<boolean>;
  /** Marks a message found in `intent` as ambiguous (its sender stopped); false when it was not in `intent`. */
  markAmbiguous(login: string, seq: number): Promise<boolean>;
  recordOutcome(login: string, seq: number, outcome: SendOutcome): Promise<void>;
  /**
   * Stores an inbound message once: its dedupe key is claimed first (webhook_keys, kept longer than
   * the messages), so a repeat, even one replayed after the first copy was deleted, stores
   * nothing; it returns the first copy if still kept, `inserted` false. A key with a
   * `dedupeWindowMs` is a repeat only within that window from when it was first claimed.
   */
  insertInbound(record: InboundRecord): Promise<InboundStored>;
  /** Keeps an inbound message for a number nobody owns; false when its dedupe key was seen already. */
  insertUnrouted(
    record: Omit<InboundRecord, 'login' | 'uid' | 'ownNumber' | 'contentType'> & { ownNumber: string },
  ): Promise<boolean>;
  /**
   * Applies a delivery status by our uid or the provider's id; a status never moves back in rank.
   * `error` (the provider's reason, for an undelivered report) replaces the message's error when given.
   */
  applyStatus(
    providerAccount: string,
    ids: { uid?: string | undefined; providerMessageId?: string | undefined },
    status: string,
    error?: string,
  ): Promise<boolean>;
  /**
   * Messages after the cursors, oldest first, each direction within `bounds`. Sent ones are every
   * send not refused, whatever its state, so none waits behind a slower one (docs/gateway.md).
   */
  fetch(
    login: string,
    cursors: FetchCursors,
    bounds: PageBounds,
  ): Promise<{ received: FetchedMessage[]; sent: FetchedMessage[] }>;
  /** One message by its sms_id. */
  message(login: string, seq: number): Promise<StoredMessage | undefined>;
  saveDevice(login: string, report: DeviceReport): Promise<void>;
  devices(login: string): Promise<Device[]>;
  /** Forgets a token the push service no longer knows (it answered 404). */
  dropToken(login: string, device: string, token: string): Promise<void>;
  /**
   * Takes over what stopped processes left: their `intent` messages become `ambiguous` (never
   * re-sent); their `queued` ones (certainly not sent) become this process's, returned to be sent.
   * A live process's messages are never touched. Called at start, and periodically where `shared`.
   */
  recover(): Promise<{ queued: StoredMessage[]; ambiguous: number }>;
  /** The files of messages. */
  readonly media: MediaStore;
  /** Several gateway processes may use this store at once (PostgreSQL); SQLite serves one. */
  readonly shared: boolean;
  /** The deliveries of events to the user's application, written with their messages. */
  readonly outbox: OutboxStore;
  /** Who opted out of which of our numbers; every send checks it first. */
  readonly optOuts: OptOutStore;
  /** Failed logins counted for every process on the database, where several share it; else undefined. */
  readonly loginFailures: FailureLedger | undefined;
  /** Deletes messages created, and unrouted messages received, before `beforeMs`, with their files; returns how many messages. */
  purge(beforeMs: number): Promise<number>;
  /** Forgets webhook dedupe keys first seen before `beforeMs`, and windowed ones past their window; returns how many. */
  forgetWebhookKeys(beforeMs: number): Promise<number>;
  /**
   * Plain statements (`?` placeholders, the SQL both databases read) for modules with tables of
   * their own (the HTTP API's, api/): a write is durable once it resolves (it joins the group commit).
   */
  readonly sql: SqlRunner;
  /** Whether the database answers a real query. */
  ping(): Promise<boolean>;
  /**
   * One sentence saying the database file is damaged, once any statement found it so while
   * serving (it stays so: nothing the gateway does mends it); undefined while none has.
   */
  readonly damage: string | undefined;
  close(): Promise<void>;
}

/** Delivery statuses (DESIGN §9) by rank; a stored status moves only up. */
export const STATUS_RANK: Readonly<Record<string, number>> = {
  unknown: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  expired: 3,
  rejected: 3,
  read: 4,
};

/** The rank of a status; unknown words rank lowest. */
export function rankOf(status: string): number {
  return STATUS_RANK[status] ?? 0;
}
