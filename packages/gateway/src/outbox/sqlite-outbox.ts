/**
 * The outbox on the SQLite store: events written in the store's own transactions (so the caller's
 * group commit covers message and event together), and the dispatcher's claims, held in memory:
 * one process holds an SQLite file, so no other process can take a delivery.
 */
import type Database from 'better-sqlite3';
import { COLUMNS, toMessage, type MessageRow } from '../store/statements.js';
import type { StoredMessage } from '../store/store.js';
import type { OutboxWriter } from './events.js';
import { OUTBOX_SQL, toDelivery, type DeliveryRow } from './outbox-sql.js';
import type { OutboxStore } from './outbox-store.js';
import type { OutboxEventType } from './subscriptions.js';

type Db = InstanceType<typeof Database>;

/** Reads back the messages a status update moved, by our uid or by the provider's id. */
export const MOVED_SQL = {
  byUid: `SELECT ${COLUMNS} FROM messages WHERE uid = ? AND provider_account = ?`,
  byProviderId: `SELECT ${COLUMNS} FROM messages WHERE provider_account = ? AND provider_message_id = ?
    AND direction = 'out' AND status = ?`,
  bySeq: `SELECT ${COLUMNS} FROM messages WHERE login = ? AND seq = ?`,
} as const;

/** The store's side of events: call inside a write transaction. */
export interface SqliteEvents {
  /** Writes the event of `type` about `message` for every subscription that wants it. */
  emit(type: OutboxEventType, message: StoredMessage): void;
  /** A status event for the message `login`/`seq` if its status is now `status`. */
  emitStatusOf(login: string, seq: number, status: string): void;
  emitStatusByUid(uid: string, account: string): void;
  emitStatusByProviderId(account: string, providerMessageId: string, status: string): void;
}

/**
 * The outbox of the SQLite database `db`, writing events as `writer` says; the dispatcher's writes
 * go through `write`, the store's group commit, so many settled attempts share one commit.
 */
export function createSqliteOutbox(
  db: Db,
  writer: OutboxWriter,
  write: <T>(work: () => T) => Promise<T>,
): { events: SqliteEvents; outbox: OutboxStore } {
  const q = Object.fromEntries(
    Object.entries(OUTBOX_SQL).map(([name, sql]) => [name, db.prepare(sql.replace('%LOCK%', ''))]),
  ) as Record<keyof typeof OUTBOX_SQL, Database.Statement>;
  const moved = Object.fromEntries(Object.entries(MOVED_SQL).map(([n, sql]) => [n, db.prepare(sql)])) as Record<
    keyof typeof MOVED_SQL,
    Database.Statement
  >;
  db.prepare(
    'UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL',
  ).run();
  const emit = (type: OutboxEventType, message: StoredMessage) => {
    if (!writer.wants(type)) return;
    const rows = writer.rows(type, message);
    for (const row of rows) q.insert.run(...row);
    if (rows.length > 0) writer.written();
  };
  const status = (rows: MessageRow[]) => rows.forEach((row) => emit('message.status', toMessage(row)));
  const events: SqliteEvents = {
    emit,
    emitStatusOf(login, seq, to) {
      if (!writer.wants('message.status')) return;
      status((moved.bySeq.all(login, seq) as MessageRow[]).filter((r) => r.status === to));
    },
    emitStatusByUid(uid, account) {
      if (writer.wants('message.status')) status(moved.byUid.all(uid, account) as MessageRow[]);
    },
    emitStatusByProviderId(account, id, to) {
      if (writer.wants('message.status')) status(moved.byProviderId.all(account, id, to) as MessageRow[]);
    },
  };
  // One process holds an SQLite file, so the leases live in memory: a claim is a read, and only
  // results are written (a claim written to disk would cost a commit and protect nothing).
  const held = new Set<string>();
  const outbox: OutboxStore = {
    claim: async (subscription, limit) => {
      const due = q.due.all(subscription, Date.now(), limit + held.size) as DeliveryRow[];
      const claimed = due
        .map(toDelivery)
        .filter((d) => !held.has(d.id))
        .slice(0, limit);
      for (const d of claimed) held.add(d.id);
      return claimed;
    },
    settle: (id, s) => {
      if (!held.delete(id)) return Promise.resolve(false);
      const done = s.state === 'pending' ? null : Date.now();
      const values = [s.state, s.nextMs, s.status ?? null, s.error ?? null, done, id];
      return write(() => q.settleHeld.run(...values).changes > 0);
    },
    release: async () => held.clear(),
    pendingSubscriptions: async () =>
      (q.pendingSubscriptions.all() as { subscription: string }[]).map((r) => r.subscription),
    orphan: async (subscription, reason) => q.orphan.run(reason, Date.now(), subscription).changes,
    stats: async () => {
      const row = q.stats.get() as { pending: number; oldest: number | null };
      return { pending: Number(row.pending), oldestMs: row.oldest === null ? undefined : Number(row.oldest) };
    },
    purgeDelivered: async (beforeMs) => q.purgeDone.run(beforeMs).changes,
  };
  return { events, outbox };
}
