/**
 * The HTTP API's tables (store migration 9): each outgoing message's status changes with their
 * times, the Idempotency-Key reservations, and an index for listing a number's messages. Migration
 * 15 (timeline-migration.ts) re-keys the timeline by (login, seq).
 *
 * The timeline is written by a trigger, not by the send paths: every path that moves a message
 * (the app's Send, the API's, queue workers, recovery, delivery reports from webhooks) then records
 * its change in the same transaction as the change itself, and none of them had to learn about it.
 */
import type { Migration } from '../store/migration-step.js';

/** Milliseconds since 1970 at the statement, in each database's words. */
export const SQLITE_NOW = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
export const POSTGRES_NOW = `CAST(extract(epoch from clock_timestamp()) * 1000 AS BIGINT)`;

/** The next change's number for the message. */
const NEXT = `(SELECT COUNT(*) + 1 FROM message_events WHERE uid = NEW.uid)`;

/**
 * The word an update adds to the timeline: a delivery status that moved (sent, delivered, …),
 * else the send state (queued, intent, ambiguous). `NEW`/`OLD` are the row after and before.
 */
export const CHANGE_WORD = `CASE WHEN NEW.status <> OLD.status AND NEW.status_rank >= 2 THEN NEW.status ELSE NEW.send_state END`;

/** The step. */
export const API_MIGRATION: Migration = {
  version: 9,
  statements: [
    // n: the change's place among its message's (times of one millisecond still have an order).
    `CREATE TABLE message_events (
      uid TEXT NOT NULL,
      n INTEGER NOT NULL,
      at_ms BIGINT NOT NULL,
      status TEXT NOT NULL,
      error TEXT
    )`,
    `CREATE INDEX message_events_by_uid ON message_events (uid, n)`,
    // Listing a key's messages reads its numbers' rows in creation order (the cursor's order).
    `CREATE INDEX messages_by_number ON messages (own_number, created_ms, uid)`,
    // One row per (key, Idempotency-Key): taken before anything is sent, so a second request with
    // the same key, here or in another process, finds it and never sends. `response` is the first
    // answer, kept 24 hours.
    `CREATE TABLE api_idempotency (
      key_id TEXT NOT NULL,
      idem_key TEXT NOT NULL,
      body_hash TEXT NOT NULL,
      created_ms BIGINT NOT NULL,
      uids TEXT NOT NULL,
      status INTEGER,
      response TEXT,
      PRIMARY KEY (key_id, idem_key)
    )`,
    `CREATE INDEX api_idempotency_by_age ON api_idempotency (created_ms)`,
  ],
  sqlite: [
    `CREATE TRIGGER message_events_on_insert AFTER INSERT ON messages WHEN NEW.direction = 'out'
      BEGIN
        INSERT INTO message_events (uid, n, at_ms, status, error) VALUES (NEW.uid, ${NEXT}, ${SQLITE_NOW}, NEW.send_state, NEW.error);
      END`,
    `CREATE TRIGGER message_events_on_update AFTER UPDATE OF status, send_state ON messages
      WHEN NEW.direction = 'out' AND (NEW.status IS NOT OLD.status OR NEW.send_state IS NOT OLD.send_state)
      BEGIN
        INSERT INTO message_events (uid, n, at_ms, status, error) VALUES (NEW.uid, ${NEXT}, ${SQLITE_NOW}, ${CHANGE_WORD},
          CASE WHEN NEW.error IS NOT OLD.error THEN NEW.error END);
      END`,
    `CREATE TRIGGER message_events_on_delete AFTER DELETE ON messages
      BEGIN
        DELETE FROM message_events WHERE uid = OLD.uid;
      END`,
  ],
  postgres: [
    `CREATE OR REPLACE FUNCTION message_events_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM message_events WHERE uid = OLD.uid;
      ELSIF NEW.direction <> 'out' THEN
        RETURN NULL;
      ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO message_events (uid, n, at_ms, status, error) VALUES (NEW.uid, ${NEXT}, ${POSTGRES_NOW}, NEW.send_state, NEW.error);
      ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.send_state IS DISTINCT FROM OLD.send_state THEN
        INSERT INTO message_events (uid, n, at_ms, status, error) VALUES (NEW.uid, ${NEXT}, ${POSTGRES_NOW}, ${CHANGE_WORD},
          CASE WHEN NEW.error IS DISTINCT FROM OLD.error THEN NEW.error END);
      END IF;
      RETURN NULL;
    END $$`,
    `CREATE TRIGGER message_events_trigger AFTER INSERT OR UPDATE OR DELETE ON messages
      FOR EACH ROW EXECUTE FUNCTION message_events_record()`,
  ],
};
