/**
 * The store's schema as numbered steps, applied in order at start and recorded in `migrations`.
 * The SQL is plain enough for SQLite and PostgreSQL alike (TEXT, BIGINT, INTEGER, UNIQUE, no
 * AUTOINCREMENT), so both stores share one schema. Never edit a step that has shipped: add one.
 */

import { API_MIGRATION } from '../api/migration.js';
import { TIMELINE_MIGRATION } from '../api/timeline-migration.js';
import { MEDIA_CHUNKS_MIGRATION } from './media-chunks.js';
import { OUTBOX_MIGRATION } from '../outbox/outbox-sql.js';
import { HOLDS_MIGRATION } from './media-holds.js';

import type { Migration, MigrationStatement } from './migration-step.js';

export type { Migration, MigrationStatement } from './migration-step.js';

/** The text of `statement` for `dialect`. */
export function statementFor(statement: MigrationStatement, dialect: 'sqlite' | 'postgres'): string {
  return typeof statement === 'string' ? statement : statement[dialect];
}

/** The media table, with the column type of file bytes left open (SQLite BLOB, PostgreSQL bytea). */
function mediaTable(bytes: string): string {
  return `CREATE TABLE media (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL,
    seq BIGINT NOT NULL,
    position INTEGER NOT NULL,
    source_url TEXT NOT NULL,
    declared_type TEXT,
    content_type TEXT,
    size BIGINT,
    filename TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'failed')),
    attempts INTEGER NOT NULL,
    next_ms BIGINT,
    error TEXT,
    bytes ${bytes},
    preview ${bytes},
    created_ms BIGINT NOT NULL,
    UNIQUE (login, seq, position)
  )`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      // Per-user counter: sms_ids of one user are 1, 2, 3… in commit order (the counter row is
      // locked until commit on PostgreSQL), so a Fetch cursor never skips a message committed late.
      `CREATE TABLE user_counters (login TEXT PRIMARY KEY, last_seq BIGINT NOT NULL)`,
      `CREATE TABLE messages (
        login TEXT NOT NULL,
        seq BIGINT NOT NULL,
        uid TEXT NOT NULL UNIQUE,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        peer TEXT NOT NULL,
        own_number TEXT NOT NULL,
        body TEXT NOT NULL,
        content_type TEXT NOT NULL,
        disposition_notification TEXT NOT NULL,
        sending_date TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        provider_account TEXT NOT NULL,
        provider_message_id TEXT,
        status TEXT NOT NULL,
        status_rank INTEGER NOT NULL,
        send_state TEXT CHECK (send_state IN ('queued', 'intent', 'sent', 'failed', 'ambiguous')),
        error TEXT,
        dedupe_key TEXT UNIQUE,
        PRIMARY KEY (login, seq)
      )`,
      `CREATE INDEX messages_by_direction ON messages (login, direction, seq)`,
      `CREATE INDEX messages_by_provider_id ON messages (provider_account, provider_message_id)`,
      `CREATE INDEX messages_by_state ON messages (send_state)`,
      `CREATE INDEX messages_by_age ON messages (created_ms)`,
      `CREATE TABLE devices (
        login TEXT NOT NULL,
        device TEXT NOT NULL,
        installid TEXT NOT NULL,
        selector TEXT NOT NULL,
        push_token TEXT NOT NULL,
        push_appid TEXT NOT NULL,
        token_call TEXT NOT NULL,
        appid_call TEXT NOT NULL,
        token_other TEXT NOT NULL,
        appid_other TEXT NOT NULL,
        updated_ms BIGINT NOT NULL,
        PRIMARY KEY (login, device)
      )`,
      `CREATE TABLE unrouted (
        id TEXT PRIMARY KEY,
        provider_account TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        body TEXT NOT NULL,
        provider_message_id TEXT,
        received_at TEXT NOT NULL,
        dedupe_key TEXT UNIQUE
      )`,
      `CREATE TABLE webhook_keys (dedupe_key TEXT PRIMARY KEY, seen_ms BIGINT NOT NULL)`,
    ],
  },
  {
    version: 2,
    statements: [
      // Which gateway process owns an outgoing message, so one process recovering after a crash
      // never takes over (and sends again) what another live process is sending.
      `ALTER TABLE messages ADD COLUMN owner TEXT`,
      `CREATE TABLE gateway_instances (instance TEXT PRIMARY KEY, heartbeat_ms BIGINT NOT NULL)`,
    ],
  },
  {
    version: 3,
    statements: [
      // Every Fetch looks for the user's oldest unsettled send; without this (small, partial) index
      // that scanned all of the user's sent messages, a millisecond per poll at 10,000 of them.
      `CREATE INDEX messages_unsettled ON messages (login, seq) WHERE send_state IN ('queued', 'intent')`,
    ],
  },
  {
    version: 4,
    statements: [
      // The result code of a failed send, so a Send answered by another process (through the queue)
      // tells an input error (422) from a provider's refusal (502) as the sending process would.
      `ALTER TABLE messages ADD COLUMN error_code TEXT`,
    ],
  },
  {
    version: 6,
    statements: [
      // Each Fetch direction gets an index of its own rows only, so a poll seeks to the cursor and
      // reads just what it returns, however long the user's history (on (login, direction, seq)
      // the planners took the primary key and read every message of the user after the cursor).
      // Sent lists leave out refused sends, so that index leaves them out too.
      `DROP INDEX IF EXISTS messages_by_direction`,
      `CREATE INDEX messages_received ON messages (login, seq) WHERE direction = 'in'`,
      `CREATE INDEX messages_sent ON messages (login, seq) WHERE direction = 'out' AND send_state <> 'failed'`,
      // Delivery reports by the provider's id concern sent messages that have one; inbound ones
      // need no entry (IF EXISTS: another step may have narrowed it first).
      `DROP INDEX IF EXISTS messages_by_provider_id`,
      `CREATE INDEX messages_out_by_provider_id ON messages (provider_account, provider_message_id)
        WHERE direction = 'out' AND provider_message_id IS NOT NULL`,
      // Recovery looks only for queued and in-flight sends: messages_unsettled holds exactly those.
      `DROP INDEX IF EXISTS messages_by_state`,
    ],
  },
  {
    version: 7,
    statements: [
      // Webhook dedupe keys outlive the messages they stored (a retention purge deleted the key with
      // its row, and a signed webhook replayed after that was stored as new): every key is claimed
      // here before storing, and forgotten only long after the retention (store.ts). The keys
      // already stored are copied in; an unrouted row has no creation time, so its key counts as
      // new as the newest message.
      `CREATE INDEX webhook_keys_by_age ON webhook_keys (seen_ms)`,
      `INSERT INTO webhook_keys (dedupe_key, seen_ms) SELECT dedupe_key, created_ms FROM messages
        WHERE dedupe_key IS NOT NULL ON CONFLICT (dedupe_key) DO NOTHING`,
      `INSERT INTO webhook_keys (dedupe_key, seen_ms)
        SELECT dedupe_key, COALESCE((SELECT MAX(created_ms) FROM messages), 0) FROM unrouted
        WHERE dedupe_key IS NOT NULL ON CONFLICT (dedupe_key) DO NOTHING`,
    ],
  },
  {
    version: 8,
    statements: [
      // The files of messages (DESIGN §11), in the database so that every gateway process serves
      // them and retention deletes them with their message; never a local folder another machine
      // cannot see. An inbound attachment is a `pending` row (its provider URL) in the same
      // transaction as its message, so it is never lost; a download fills in the bytes, typed by
      // them, and a small JPEG preview for images.
      { sqlite: mediaTable('BLOB'), postgres: mediaTable('BYTEA') },
      `CREATE INDEX media_due ON media (next_ms) WHERE state = 'pending'`,
      // Secrets every process shares, such as the key that signs media URLs: created once, read by all.
      `CREATE TABLE gateway_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    ],
  },
  // The HTTP API: idempotency keys and each message's status timeline (api/migration.ts).
  API_MIGRATION,
  {
    version: 10,
    statements: [
      // Failed logins counted across gateway processes sharing a database (login-failures.ts).
      `CREATE TABLE login_failures (key TEXT PRIMARY KEY, since_ms BIGINT NOT NULL, failures INTEGER NOT NULL)`,
      `CREATE INDEX login_failures_by_age ON login_failures (since_ms)`,
      // Opt-outs: who asked which of our numbers for no more messages (opt-outs.ts).
      `CREATE TABLE opt_outs (
        own_number TEXT NOT NULL,
        peer TEXT NOT NULL,
        source TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        PRIMARY KEY (own_number, peer)
      )`,
    ],
  },
  // Webhooks to the user's application: the durable outbox (outbox/outbox-sql.ts).
  OUTBOX_MIGRATION,
  {
    version: 12,
    statements: [
      // A key that is a digest of an event's content (a provider that sends no id and no time) is a
      // repeat only until expires_ms: after it, the same text is a new message. NULL: kept as long
      // as every other key. Its message rows are stored under the key and the time it was claimed.
      `ALTER TABLE webhook_keys ADD COLUMN expires_ms BIGINT`,
    ],
  },
  // File bytes as chunks, written as a download arrives (store/media-chunks.ts).
  MEDIA_CHUNKS_MIGRATION,
  // A received message waits for its files' first download attempt before Fetch shows it (media-holds.ts).
  HOLDS_MIGRATION,
  // The status timeline keyed by (login, seq), not by uid (api/timeline-migration.ts).
  TIMELINE_MIGRATION,
];
