/**
 * The outbox on the PostgreSQL store: events written on the client of the store's own transaction
 * (message and event commit together), and the dispatcher's claims, which take rows with
 * `FOR UPDATE SKIP LOCKED` and a lease: two gateway processes never try one delivery at once, and
 * the deliveries of a process killed mid-attempt are free again when its lease runs out.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { toMessage, type MessageRow } from '../store/statements.js';
import type { StoredMessage } from '../store/store.js';
import type { OutboxWriter } from './events.js';
import { OUTBOX_SQL, toDelivery, type DeliveryRow } from './outbox-sql.js';
import type { OutboxStore } from './outbox-store.js';
import { MOVED_SQL } from './sqlite-outbox.js';
import type { OutboxEventType } from './subscriptions.js';
import { numbered, numberedAll } from '../store/numbered-sql.js';

type Client = pg.PoolClient;

const Q = Object.fromEntries(
  Object.entries(OUTBOX_SQL).map(([name, sql]) => [name, numbered(sql.replace('%LOCK%', 'FOR UPDATE SKIP LOCKED'))]),
) as Record<keyof typeof OUTBOX_SQL, string>;
const MOVED = numberedAll(MOVED_SQL);

/** The store's side of events: call with the client of the transaction that changed the message. */
export interface PostgresEvents {
  emit(client: Client, type: OutboxEventType, message: StoredMessage): Promise<void>;
  emitStatusOf(client: Client, login: string, seq: number, status: string): Promise<void>;
  emitStatusByUid(client: Client, uid: string, account: string): Promise<void>;
  emitStatusByProviderId(client: Client, account: string, providerMessageId: string, status: string): Promise<void>;
}

/** The outbox of the PostgreSQL database behind `pool`, writing events as `writer` says. */
export function createPostgresOutbox(
  pool: pg.Pool,
  writer: OutboxWriter,
): { events: PostgresEvents; outbox: OutboxStore } {
  const instance = randomUUID();
  const emit = async (client: Client, type: OutboxEventType, message: StoredMessage) => {
    if (!writer.wants(type)) return;
    const rows = writer.rows(type, message);
    for (const row of rows) await client.query(Q.insert, row);
    if (rows.length > 0) writer.written();
  };
  const status = async (client: Client, sql: string, params: unknown[], to?: string) => {
    if (!writer.wants('message.status')) return;
    const rows = (await client.query(sql, params)).rows as MessageRow[];
    for (const row of rows)
      if (to === undefined || row.status === to) await emit(client, 'message.status', toMessage(row));
  };
  const events: PostgresEvents = {
    emit,
    emitStatusOf: (client, login, seq, to) => status(client, MOVED.bySeq, [login, seq], to),
    emitStatusByUid: (client, uid, account) => status(client, MOVED.byUid, [uid, account]),
    emitStatusByProviderId: (client, account, id, to) => status(client, MOVED.byProviderId, [account, id, to]),
  };
  const outbox: OutboxStore = {
    claim: async (subscription, limit, leaseMs) => {
      const now = Date.now();
      const { rows } = await pool.query(Q.claim, [instance, now + leaseMs, subscription, now, now, limit]);
      return (rows as DeliveryRow[]).map(toDelivery).sort((a, b) => a.nextMs - b.nextMs);
    },
    settle: async (id, s) => {
      const done = s.state === 'pending' ? null : Date.now();
      const values = [s.state, s.nextMs, s.status ?? null, s.error ?? null, done, id, instance];
      return ((await pool.query(Q.settle, values)).rowCount ?? 0) > 0;
    },
    release: async () => void (await pool.query(Q.release, [instance])),
    pendingSubscriptions: async () =>
      (await pool.query<{ subscription: string }>(Q.pendingSubscriptions)).rows.map((r) => r.subscription),
    orphan: async (subscription, reason) =>
      (await pool.query(Q.orphan, [reason, Date.now(), subscription])).rowCount ?? 0,
    stats: async () => {
      const row = (await pool.query<{ pending: string; oldest: string | null }>(Q.stats)).rows[0];
      return { pending: Number(row?.pending ?? 0), oldestMs: row?.oldest == null ? undefined : Number(row.oldest) };
    },
    purgeDelivered: async (beforeMs) => (await pool.query(Q.purgeDone, [beforeMs])).rowCount ?? 0,
  };
  return { events, outbox };
}
