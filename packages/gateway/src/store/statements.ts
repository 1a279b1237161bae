/**
 * The store's statements, written once with `?` placeholders for both databases (the PostgreSQL
 * store numbers them), and the row mapping they share.
 */
import {
  rankOf,
  type DeviceReport,
  type InboundRecord,
  type OutgoingRecord,
  type OutgoingStart,
  type SendState,
  type StoredMessage,
} from './store.js';

/** The columns a message is read with. */
export const COLUMNS = `login, seq, uid, direction, peer, own_number, body, content_type, disposition_notification,
  sending_date, provider_account, provider_message_id, status, send_state, error, error_code`;

export const SQL = {
  nextSeq: `INSERT INTO user_counters (login, last_seq) VALUES (?, 1)
    ON CONFLICT (login) DO UPDATE SET last_seq = user_counters.last_seq + 1 RETURNING last_seq`,
  insertMessage: `INSERT INTO messages (login, seq, uid, direction, peer, own_number, body, content_type,
    disposition_notification, sending_date, created_ms, provider_account, provider_message_id, status, status_rank,
    send_state, error, dedupe_key, owner, error_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  /** The same insert, doing nothing when the dedupe key is stored already (a provider's retry). */
  insertMessageOnce: `INSERT INTO messages (login, seq, uid, direction, peer, own_number, body, content_type,
    disposition_notification, sending_date, created_ms, provider_account, provider_message_id, status, status_rank,
    send_state, error, dedupe_key, owner, error_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (dedupe_key) DO NOTHING`,
  byDedupeKey: `SELECT ${COLUMNS} FROM messages WHERE dedupe_key = ?`,
  bySeq: `SELECT ${COLUMNS} FROM messages WHERE login = ? AND seq = ?`,
  /** The claim before a request goes out: only a queued message becomes `intent`, owned by the process sending it. */
  markIntent: `UPDATE messages SET send_state = 'intent', owner = ? WHERE login = ? AND seq = ? AND send_state = 'queued'`,
  /**
   * The intent withdrawn: every request so far certainly did not reach the provider, and the
   * connector will try again after a pause; the message waits again, still this process's.
   */
  withdrawIntent: `UPDATE messages SET send_state = 'queued', owner = ? WHERE login = ? AND seq = ? AND send_state = 'intent'`,
  /** A message that is still queued settled as failed, so an error answered to the app means it is never sent. */
  failQueued: `UPDATE messages SET send_state = 'failed', status = 'failed', status_rank = 3, error = ?, error_code = ?
    WHERE login = ? AND seq = ? AND send_state = 'queued'`,
  /** A message whose intent exists without an outcome, found by a queue worker: it may have been sent. */
  intentToAmbiguousOne: `UPDATE messages SET send_state = 'ambiguous',
    error = 'the gateway process sending this message stopped; it may have been sent, so it is not sent again'
    WHERE login = ? AND seq = ? AND send_state = 'intent'`,
  recordOutcome: `UPDATE messages SET send_state = ?, provider_message_id = COALESCE(?, provider_message_id),
    error = ?, error_code = ?, status = CASE WHEN ? = 'sent' AND status_rank < 2 THEN 'sent' WHEN ? = 'failed' THEN 'failed' ELSE status END,
    status_rank = CASE WHEN ? = 'sent' AND status_rank < 2 THEN 2 WHEN ? = 'failed' THEN 3 ELSE status_rank END
    WHERE login = ? AND seq = ?`,
  statusByUid: `UPDATE messages SET status = ?, status_rank = ?, error = COALESCE(?, error)
    WHERE uid = ? AND provider_account = ? AND status_rank < ?`,
  statusByProviderId: `UPDATE messages SET status = ?, status_rank = ?, error = COALESCE(?, error)
    WHERE provider_account = ? AND provider_message_id = ? AND direction = 'out' AND status_rank < ?`,
  /** Claims a webhook's dedupe key: no row changed means it was seen before (maybe long ago). */
  claimWebhookKey: `INSERT INTO webhook_keys (dedupe_key, seen_ms) VALUES (?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
  /**
   * Claims a windowed key (values: key, now, its expiry, now): new, or past its window and so
   * claimed again from now. No row changed means it is a repeat within the window (or a key kept
   * without a window, which never expires).
   */
  claimWindowedKey: `INSERT INTO webhook_keys (dedupe_key, seen_ms, expires_ms) VALUES (?, ?, ?)
    ON CONFLICT (dedupe_key) DO UPDATE SET seen_ms = excluded.seen_ms, expires_ms = excluded.expires_ms
    WHERE webhook_keys.expires_ms IS NOT NULL AND webhook_keys.expires_ms <= ?`,
  webhookKeySeen: `SELECT seen_ms, expires_ms FROM webhook_keys WHERE dedupe_key = ?`,
  forgetWebhookKeys: `DELETE FROM webhook_keys WHERE seen_ms < ? OR expires_ms <= ?`,
  insertUnrouted: `INSERT INTO unrouted (id, provider_account, sender, recipient, body, provider_message_id, received_at,
    dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
  device: `SELECT login, device, installid, selector, push_token, push_appid, token_call, appid_call, token_other,
    appid_other FROM devices WHERE login = ? AND device = ?`,
  devices: `SELECT login, device, installid, selector, push_token, push_appid, token_call, appid_call, token_other,
    appid_other FROM devices WHERE login = ? ORDER BY device`,
  upsertDevice: `INSERT INTO devices (login, device, installid, selector, push_token, push_appid, token_call, appid_call,
    token_other, appid_other, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (login, device) DO UPDATE SET installid = excluded.installid, selector = excluded.selector,
    push_token = excluded.push_token, push_appid = excluded.push_appid, token_call = excluded.token_call,
    appid_call = excluded.appid_call, token_other = excluded.token_other, appid_other = excluded.appid_other,
    updated_ms = excluded.updated_ms`,
  dropToken: `UPDATE devices SET
    push_token = CASE WHEN push_token = ? THEN '' ELSE push_token END,
    token_other = CASE WHEN token_other = ? THEN '' ELSE token_other END
    WHERE login = ? AND device = ?`,
  heartbeat: `INSERT INTO gateway_instances (instance, heartbeat_ms) VALUES (?, ?)
    ON CONFLICT (instance) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms`,
  leave: `DELETE FROM gateway_instances WHERE instance = ?`,
  // A message is orphaned when no live process owns it: not this one (?), and its owner's
  // heartbeat is older than ?. Both statements repeat the WHERE of messages_unsettled word for
  // word, so that SQLite reads that small index rather than every message.
  claimQueued: `UPDATE messages SET owner = ? WHERE send_state IN ('queued', 'intent') AND send_state = 'queued'
    AND (owner IS NULL OR (owner <> ?
    AND owner NOT IN (SELECT instance FROM gateway_instances WHERE heartbeat_ms >= ?))) RETURNING ${COLUMNS}`,
  intentToAmbiguous: `UPDATE messages SET send_state = 'ambiguous',
    error = 'the gateway stopped while this message was being sent; it may have been sent, so it is not sent again'
    WHERE send_state IN ('queued', 'intent') AND send_state = 'intent' AND (owner IS NULL OR (owner <> ?
    AND owner NOT IN (SELECT instance FROM gateway_instances WHERE heartbeat_ms >= ?)))`,
  purge: `DELETE FROM messages WHERE created_ms < ? AND (send_state IS NULL OR send_state NOT IN ('queued', 'intent'))`,
  // Unrouted messages age out with the same retention, by the time they arrived (ISO 8601 in UTC,
  // which orders as text).
  purgeUnrouted: `DELETE FROM unrouted WHERE received_at < ?`,
  // A real read of the file for readiness: a damaged or vanished database fails it.
  ping: `SELECT version FROM migrations ORDER BY version DESC LIMIT 1`,
} as const;

/** A row as both drivers return it (PostgreSQL gives BIGINT as text). */
export type MessageRow = Record<string, string | number | null>;

/** Maps a row to a message. */
export function toMessage(row: MessageRow): StoredMessage {
  const text = (name: string) => (row[name] === null || row[name] === undefined ? undefined : String(row[name]));
  return {
    login: String(row.login),
    seq: Number(row.seq),
    uid: String(row.uid),
    direction: row.direction === 'in' ? 'in' : 'out',
    peer: String(row.peer),
    ownNumber: String(row.own_number),
    text: String(row.body),
    contentType: String(row.content_type),
    dispositionNotification: String(row.disposition_notification),
    sendingDate: String(row.sending_date),
    providerAccount: String(row.provider_account),
    providerMessageId: text('provider_message_id'),
    status: String(row.status),
    sendState: text('send_state') as SendState | undefined,
    error: text('error'),
    errorCode: text('error_code'),
  };
}

/**
 * `text` with each lone surrogate (JSON accepts them, UTF-8 cannot hold them) as one U+FFFD, and
 * without U+0000. Both databases store UTF-8: PostgreSQL's driver made one U+FFFD of each
 * surrogate, better-sqlite3 wrote its three invalid bytes, read back as three U+FFFD; PostgreSQL
 * refuses U+0000 in text outright, where SQLite keeps it. Now both keep what this returns. The
 * gateway refuses U+0000 from the app and drops it from webhooks before this (saying so); this is
 * the last guard for text that comes from elsewhere, such as a provider's error answer.
 */
export function wellFormed(text: string): string {
  return /[\p{Surrogate}\0]/u.test(text) ? text.replace(/\p{Surrogate}/gu, '\uFFFD').replaceAll('\0', '') : text;
}

/** {@link wellFormed} for a value that may be absent. */
export function storable(text: string | undefined): string | null {
  return text === undefined ? null : wellFormed(text);
}

/** The status a send state starts an outgoing row with (`recordOutcome` moves it the same way). */
function statusOf(state: SendState): string {
  return state === 'sent' || state === 'failed' ? state : 'queued';
}

/**
 * The values of `insertMessage` for an outgoing message starting as `start`, owned by `instance`,
 * in column order; with the message they make, so nothing is read back after the insert.
 */
export function outgoingRow(
  r: OutgoingRecord,
  start: OutgoingStart,
  seq: number,
  instance: string,
  at: string,
): { values: unknown[]; message: StoredMessage } {
  const status = statusOf(start.state);
  const outcome = 'error' in start || 'providerMessageId' in start ? start : undefined;
  const error = storable(outcome?.error);
  const code = start.state === 'failed' ? (outcome?.code ?? null) : null;
  const providerMessageId = outcome?.providerMessageId ?? null;
  const values = [
    r.login,
    seq,
    r.uid,
    'out',
    r.peer,
    r.ownNumber,
    wellFormed(r.text),
    r.contentType,
    r.dispositionNotification,
    at,
    Date.now(),
    r.providerAccount,
    providerMessageId,
    status,
    rankOf(status),
    start.state,
    error,
    null,
    instance,
    code,
  ];
  const message: StoredMessage = {
    login: r.login,
    seq,
    uid: r.uid,
    direction: 'out',
    peer: r.peer,
    ownNumber: r.ownNumber,
    text: r.text,
    contentType: r.contentType,
    dispositionNotification: r.dispositionNotification,
    sendingDate: at,
    providerAccount: r.providerAccount,
    providerMessageId: providerMessageId ?? undefined,
    status,
    sendState: start.state,
    error: error ?? undefined,
    errorCode: code ?? undefined,
  };
  return { values, message };
}

/**
 * The dedupe key a windowed event's row is stored under: its key and when that was claimed, so
 * the same content after the window is a row of its own while a repeat within it finds the first.
 */
export function windowedRowKey(dedupeKey: string, claimedMs: number): string {
  return `${dedupeKey}\u001f${claimedMs}`;
}

/** The values of `insertMessage` for an inbound message, delivered, keyed by its dedupe key, in column order. */
export function inboundRow(r: InboundRecord, seq: number, at: string) {
  return [
    r.login,
    seq,
    r.uid,
    'in',
    r.peer,
    r.ownNumber,
    wellFormed(r.text),
    r.contentType,
    '',
    r.receivedAt ?? at,
    Date.now(),
    r.providerAccount,
    r.providerMessageId ?? null,
    'delivered',
    rankOf('delivered'),
    null,
    null,
    r.dedupeKey,
    null,
    null,
  ];
}

/**
 * The values of `upsertDevice` for a device's report, in column order. An empty token never erases
 * a stored one (`old` is the stored row; apps sometimes report empty tokens).
 */
export function deviceRow(login: string, device: string, r: DeviceReport, old: Record<string, string> | undefined) {
  const keep = (value: string, column: string) => (value !== '' ? value : (old?.[column] ?? ''));
  return [
    login,
    device,
    r.installid,
    r.selector,
    keep(r.pushToken, 'push_token'),
    keep(r.pushAppId, 'push_appid'),
    keep(r.tokenCall, 'token_call'),
    keep(r.appIdCall, 'appid_call'),
    keep(r.tokenOther, 'token_other'),
    keep(r.appIdOther, 'appid_other'),
    Date.now(),
  ];
}
