/**
 * The outbox's table and statements, written once with `?` placeholders for both databases (the
 * PostgreSQL side numbers them). A row is one delivery: one event for one subscription, keyed by
 * its `webhook-id`, which every attempt and every replay sends unchanged.
 */
import type { Migration } from '../store/migration-step.js';

/** Migration 11: the outbox (see migrations.ts). */
export const OUTBOX_MIGRATION: Migration = {
  version: 11,
  statements: [
    // state: pending (to be tried at next_ms), delivered, dead (gave up; replayable). lease_owner
    // and lease_until: the process trying it now; a lease that ran out (its process died) is free.
    // window_ms: retries continue until window_ms + the subscription's giveUpAfterMs (a replay
    // starts a new window).
    `CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY,
      subscription TEXT NOT NULL,
      event_type TEXT NOT NULL,
      payload TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
      attempts INTEGER NOT NULL,
      created_ms BIGINT NOT NULL,
      window_ms BIGINT NOT NULL,
      next_ms BIGINT NOT NULL,
      lease_owner TEXT,
      lease_until BIGINT,
      last_status INTEGER,
      last_error TEXT,
      done_ms BIGINT
    )`,
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (subscription, next_ms) WHERE state = 'pending'`,
    `CREATE INDEX webhook_deliveries_by_state ON webhook_deliveries (state, created_ms)`,
  ],
} as const;

/** The columns a delivery is read with. */
export const DELIVERY_COLUMNS = `id, subscription, event_type, payload, state, attempts, created_ms, window_ms, next_ms,
  last_status, last_error, done_ms`;

export const OUTBOX_SQL = {
  insert: `INSERT INTO webhook_deliveries (id, subscription, event_type, payload, state, attempts, created_ms, window_ms,
    next_ms) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
  /**
   * Takes up to ? due deliveries of one subscription whose lease is free, for this process (the
   * `%LOCK%` is `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two processes never take the same row).
   */
  claim: `UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ? WHERE id IN (
    SELECT id FROM webhook_deliveries WHERE state = 'pending' AND subscription = ? AND next_ms <= ?
    AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_ms LIMIT ? %LOCK%) RETURNING ${DELIVERY_COLUMNS}`,
  /** Due pending deliveries of one subscription, oldest first (SQLite: its leases are in memory). */
  due: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE state = 'pending' AND subscription = ? AND next_ms <= ?
    ORDER BY next_ms LIMIT ?`,
  /** An attempt's result on SQLite, where the process's memory holds the lease. */
  settleHeld: `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_ms = ?, last_status = ?,
    last_error = ?, done_ms = ? WHERE id = ?`,
  /** An attempt's result, written only while this process still holds the lease. */
  settle: `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_ms = ?, last_status = ?,
    last_error = ?, done_ms = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?`,
  /** Gives back what this process holds (it stops), so another process need not wait for the lease. */
  release: `UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?`,
  /** Rows of a subscription no longer configured: dead-lettered, so they show up and can be replayed. */
  orphan: `UPDATE webhook_deliveries SET state = 'dead', last_error = ?, done_ms = ?
    WHERE state = 'pending' AND subscription = ?`,
  pendingSubscriptions: `SELECT DISTINCT subscription FROM webhook_deliveries WHERE state = 'pending'`,
  stats: `SELECT COUNT(*) AS pending, MIN(created_ms) AS oldest FROM webhook_deliveries WHERE state = 'pending'`,
  list: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE state = ? AND created_ms >= ? AND created_ms < ?
    ORDER BY created_ms, id LIMIT ?`,
  replayOne: `UPDATE webhook_deliveries SET state = 'pending', window_ms = ?, next_ms = ?, done_ms = NULL,
    lease_owner = NULL, lease_until = NULL WHERE id = ? AND state = 'dead'`,
  replayRange: `UPDATE webhook_deliveries SET state = 'pending', window_ms = ?, next_ms = ?, done_ms = NULL,
    lease_owner = NULL, lease_until = NULL WHERE state = 'dead' AND created_ms >= ? AND created_ms < ?`,
  purgeDone: `DELETE FROM webhook_deliveries WHERE state = 'delivered' AND done_ms < ?`,
} as const;

/** A delivery row as both drivers return it (PostgreSQL gives BIGINT as text). */
export type DeliveryRow = Record<string, string | number | null>;

/** The states a delivery is in. */
export type DeliveryState = 'pending' | 'delivered' | 'dead';

/** A delivery as the dispatcher and the CLI see it. */
export interface Delivery {
  /** The `webhook-id`: the same on every attempt. */
  readonly id: string;
  readonly subscription: string;
  readonly type: string;
  /** The exact JSON body sent. */
  readonly payload: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly createdMs: number;
  readonly windowMs: number;
  readonly nextMs: number;
  readonly lastStatus: number | undefined;
  readonly lastError: string | undefined;
  readonly doneMs: number | undefined;
}

/** Maps a row. */
export function toDelivery(row: DeliveryRow): Delivery {
  const num = (name: string) => (row[name] === null || row[name] === undefined ? undefined : Number(row[name]));
  return {
    id: String(row.id),
    subscription: String(row.subscription),
    type: String(row.event_type),
    payload: String(row.payload),
    state: String(row.state) as DeliveryState,
    attempts: Number(row.attempts),
    createdMs: Number(row.created_ms),
    windowMs: Number(row.window_ms),
    nextMs: Number(row.next_ms),
    lastStatus: num('last_status'),
    lastError: row.last_error === null || row.last_error === undefined ? undefined : String(row.last_error),
    doneMs: num('done_ms'),
  };
}
