/**
 * The PostgreSQL store (`pg`): the same schema, migrations and statements as the SQLite store,
 * with `?` numbered as `$n`. The writes of one event-loop turn share one transaction on one pooled
 * client (group commit: one WAL flush for all of them, and while it commits the next writes gather);
 * a COMMIT returns once the write is durable (PostgreSQL's default synchronous_commit). A stored
 * inbound message keeps its own transaction: a repeat rolls back so it does not use up an sms_id. Migrations run under an
 * advisory lock, so gateway processes starting together apply each step once.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { FETCH_SQL, pageParams, receivedParams, withoutIndexHints, type FetchedMessage } from './fetch-statements.js';
import { createGroupCommit } from './group-commit.js';
import { pgFailureLedger } from './login-failures.js';
import { HOLD_SQL, holdParams } from './media-holds.js';
import { newMediaId, pendingRows } from './media-store.js';
import { MIGRATIONS, statementFor } from './migrations.js';
import { optOutStore, pgRunner } from './opt-outs.js';
import { INSERT_PENDING, PURGE_CHUNKS, PURGE_MEDIA, postgresMedia } from './postgres-media.js';
import {
  SQL,
  deviceRow,
  inboundRow,
  outgoingRow,
  storable,
  toMessage,
  wellFormed,
  windowedRowKey,
  type MessageRow,
} from './statements.js';
import { toDevice } from './sqlite-store.js';
import { createOutboxWriter, type OutboxWriter } from '../outbox/events.js';
import { createPostgresOutbox } from '../outbox/postgres-outbox.js';
import { rankOf, type DeviceReport, type InboundStored, type Store } from './store.js';
import { numbered, numberedAll } from './numbered-sql.js';

type Client = pg.PoolClient;

const Q = numberedAll(SQL);

const PAGE = {
  received: numbered(withoutIndexHints(FETCH_SQL.received)),
  sent: numbered(withoutIndexHints(FETCH_SQL.sent)),
};

const HOLD = { hold: numbered(HOLD_SQL.hold), firstTryHere: numbered(HOLD_SQL.firstTryHere) };

/** How often a process says it is alive, and after how long without that it counts as stopped. */
const HEARTBEAT_MS = 5_000;
const STALE_MS = 30_000;

/** A constant naming the migration lock (any number, the same in every gateway). */
const MIGRATION_LOCK = 0x5357_4742;

async function migrate(client: Client): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM migrations')).rows.map((r) => Number(r.version)),
    );
    for (const step of MIGRATIONS) {
      if (applied.has(step.version)) continue;
      await client.query('BEGIN');
      try {
        for (const statement of [...step.statements.map((s) => statementFor(s, 'postgres')), ...(step.postgres ?? [])])
          await client.query(statement);
        await client.query('INSERT INTO migrations (version, applied_ms) VALUES ($1, $2)', [step.version, Date.now()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

/**
 * Connects to PostgreSQL at `url` and applies the migrations. Events for the user's application
 * are written by `outbox` in the transaction of their message.
 * @example const store = await openPostgresStore('postgres://gateway@db:5432/gateway');
 */
/** Thrown inside a transaction to roll it back when a message was stored already. */
const REPEATED = new Error('stored already');

export async function openPostgresStore(url: string, outbox: OutboxWriter = createOutboxWriter([])): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose connection drops (a database restart) must not crash the gateway; the
  // pool replaces it, and the next query reports any lasting problem.
  pool.on('error', () => undefined);
  const first = await pool.connect();
  try {
    await migrate(first);
  } finally {
    first.release();
  }
  const { events, outbox: deliveries } = createPostgresOutbox(pool, outbox);
  const rows = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows as MessageRow[];
  const changes = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rowCount ?? 0;
  /** Runs `work` in one transaction. */
  const transaction = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  // Writes of one turn, in one transaction on one client, in the order they were asked for.
  type Work = (client: Client) => Promise<unknown>;
  const group = createGroupCommit<Work>((works) =>
    transaction(async (client) => {
      const values: unknown[] = [];
      for (const work of works) values.push(await work(client));
      return values;
    }),
  );
  const write = <T>(work: (client: Client) => Promise<T>): Promise<T> => group.write<T>(work);
  const changed = (sql: string, params: unknown[]) =>
    write(async (client) => (await client.query(sql, params)).rowCount ?? 0);
  const nextSeq = async (client: Client, login: string) =>
    Number((await client.query<{ last_seq: string }>(Q.nextSeq, [login])).rows[0]?.last_seq);
  const one = async (client: Client, login: string, seq: number) =>
    toMessage((await client.query(Q.bySeq, [login, seq])).rows[0] as MessageRow);
  const now = () => new Date().toISOString();
  type Keyed = { dedupeKey: string; dedupeWindowMs?: number | undefined };
  // Whether the key was seen and still counts (a windowed key only until it expires).
  const seenWithin = async (r: Keyed) => {
    const [row] = (await pool.query(Q.webhookKeySeen, [r.dedupeKey])).rows as { expires_ms: string | null }[];
    return row !== undefined && (row.expires_ms === null || Number(row.expires_ms) > Date.now());
  };
  // The key the event's row is stored under: a windowed key's row is keyed by when it was claimed.
  const rowKeyOf = async (r: Keyed) => {
    if (r.dedupeWindowMs === undefined) return r.dedupeKey;
    const [row] = (await pool.query(Q.webhookKeySeen, [r.dedupeKey])).rows as { seen_ms: string }[];
    return windowedRowKey(r.dedupeKey, Number(row?.seen_ms));
  };
  // Claims the key within `client`'s transaction: whether it is new, and the key its row takes.
  const claim = async (client: Client, r: Keyed) => {
    const at = Date.now();
    if (r.dedupeWindowMs === undefined) {
      const claimed = (await client.query(Q.claimWebhookKey, [r.dedupeKey, at])).rowCount ?? 0;
      return { claimed: claimed > 0, rowKey: r.dedupeKey };
    }
    const claimed =
      (await client.query(Q.claimWindowedKey, [r.dedupeKey, at, at + r.dedupeWindowMs, at])).rowCount ?? 0;
    return { claimed: claimed > 0, rowKey: windowedRowKey(r.dedupeKey, at) };
  };
  // This process says it is alive; messages it owns are never taken over while it does.
  const instance = randomUUID();
  await pool.query(Q.heartbeat, [instance, Date.now()]);
  const beat = setInterval(() => {
    pool.query(Q.heartbeat, [instance, Date.now()]).catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();

  return {
    insertOutgoing: (record, start) =>
      write(async (client) => {
        const row = outgoingRow(record, start, await nextSeq(client, record.login), instance, now());
        await client.query(Q.insertMessage, row.values);
        if (start.state === 'sent' || start.state === 'failed')
          await events.emit(client, 'message.status', row.message);
        return row.message;
      }),
    markIntent: async (login, seq) => (await changed(Q.markIntent, [instance, login, seq])) > 0,
    withdrawIntent: async (login, seq) => (await changed(Q.withdrawIntent, [instance, login, seq])) > 0,
    failQueued: (login, seq, error, code) =>
      write(async (client) => {
        const failed = ((await client.query(Q.failQueued, [error, code ?? null, login, seq])).rowCount ?? 0) > 0;
        if (failed) await events.emitStatusOf(client, login, seq, 'failed');
        return failed;
      }),
    markAmbiguous: async (login, seq) => (await changed(Q.intentToAmbiguousOne, [login, seq])) > 0,
    recordOutcome: async (login, seq, o) => {
      const s = o.state;
      const code = s === 'failed' ? (o.code ?? null) : null;
      await write(async (client) => {
        const params = [s, storable(o.providerMessageId), storable(o.error), code, s, s, s, s, login, seq];
        await client.query(Q.recordOutcome, params);
        if (s !== 'ambiguous') await events.emitStatusOf(client, login, seq, s);
      });
    },
    insertInbound: async (r): Promise<InboundStored> => {
      const repeat = async (): Promise<InboundStored> => {
        const [row] = await rows(Q.byDedupeKey, [await rowKeyOf(r)]);
        return { message: row === undefined ? undefined : toMessage(row), inserted: false };
      };
      if (await seenWithin(r)) return repeat();
      try {
        return await transaction(async (client) => {
          // The counter row is locked first, so two processes storing one message take turns.
          const seq = await nextSeq(client, r.login);
          const { claimed, rowKey } = await claim(client, r);
          if (!claimed) throw REPEATED;
          const inserted = await client.query(Q.insertMessageOnce, inboundRow({ ...r, dedupeKey: rowKey }, seq, now()));
          // Another process stored it meanwhile: roll back, so the repeat does not use up an sms_id.
          if ((inserted.rowCount ?? 0) === 0) throw REPEATED;
          for (const row of pendingRows(r.login, seq, r.media ?? [], newMediaId))
            await client.query(INSERT_PENDING, row);
          if (r.heldUntilMs !== undefined && (r.media?.length ?? 0) > 0) {
            await client.query(HOLD.hold, holdParams(r.login, seq, r.heldUntilMs));
            await client.query(HOLD.firstTryHere, holdParams(r.login, seq, r.heldUntilMs));
          }
          const message = await one(client, r.login, seq);
          await events.emit(client, 'message.received', message);
          return { message, inserted: true };
        });
      } catch (error) {
        if (error === REPEATED) return repeat();
        throw error;
      }
    },
    insertUnrouted: (r) =>
      transaction(async (client) => {
        const { claimed, rowKey } = await claim(client, r);
        if (!claimed) return false;
        const row = [
          randomUUID(),
          r.providerAccount,
          r.peer,
          r.ownNumber,
          wellFormed(r.text),
          r.providerMessageId ?? null,
        ];
        const inserted = await client.query(Q.insertUnrouted, [...row, r.receivedAt ?? now(), rowKey]);
        return (inserted.rowCount ?? 0) > 0;
      }),
    applyStatus: (account, ids, status, error) => {
      const rank = rankOf(status);
      const e = error ?? null;
      return write(async (client) => {
        const moved = async (sql: string, params: unknown[]) => ((await client.query(sql, params)).rowCount ?? 0) > 0;
        if (ids.uid !== undefined && (await moved(Q.statusByUid, [status, rank, e, ids.uid, account, rank]))) {
          await events.emitStatusByUid(client, ids.uid, account);
          return true;
        }
        const pid = ids.providerMessageId;
        if (pid === undefined || !(await moved(Q.statusByProviderId, [status, rank, e, account, pid, rank])))
          return false;
        await events.emitStatusByProviderId(client, account, pid, status);
        return true;
      });
    },
    fetch: async (login, cursors, bounds) => {
      const [received, sent] = await Promise.all([
        pool.query<FetchedMessage>(PAGE.received, receivedParams(login, cursors.received, bounds, Date.now())),
        pool.query<FetchedMessage>(PAGE.sent, pageParams(login, cursors.sent, bounds)),
      ]);
      return { received: received.rows, sent: sent.rows };
    },
    message: async (login, seq) => {
      const [row] = await rows(Q.bySeq, [login, seq]);
      return row === undefined ? undefined : toMessage(row);
    },
    saveDevice: (login, r: DeviceReport) =>
      write(async (client) => {
        const device = r.selector || r.installid;
        const old = (await client.query(`${Q.device} FOR UPDATE`, [login, device])).rows[0] as
          Record<string, string> | undefined;
        await client.query(Q.upsertDevice, deviceRow(login, device, r, old));
      }),
    devices: async (login) => ((await pool.query(Q.devices, [login])).rows as Record<string, string>[]).map(toDevice),
    dropToken: async (login, device, token) => void (await changed(Q.dropToken, [token, token, login, device])),
    recover: () =>
      transaction(async (client) => {
        const alive = Date.now() - STALE_MS;
        const ambiguous = (await client.query(Q.intentToAmbiguous, [instance, alive])).rowCount ?? 0;
        const claimed = await client.query(Q.claimQueued, [instance, instance, alive]);
        const queued = (claimed.rows as MessageRow[]).map(toMessage).sort((a, b) => a.seq - b.seq);
        return { queued, ambiguous };
      }),
    shared: true,
    sql: {
      all: async (sql, params) =>
        (await pool.query(numbered(sql), [...params])).rows as Record<string, string | number | null>[],
      // Writes join the group commit: one COMMIT for those of one turn.
      run: (sql, params) => write(async (client) => (await client.query(numbered(sql), [...params])).rowCount ?? 0),
    },
    outbox: deliveries,
    purge: async (beforeMs) => {
      const deleted =
        (await changes(Q.purge, [beforeMs])) + (await changes(Q.purgeUnrouted, [new Date(beforeMs).toISOString()]));
      await changes(PURGE_MEDIA, []);
      await changes(PURGE_CHUNKS, [beforeMs]);
      return deleted;
    },
    media: postgresMedia(pool, write),
    forgetWebhookKeys: async (beforeMs) => changes(Q.forgetWebhookKeys, [beforeMs, Date.now()]),
    loginFailures: pgFailureLedger(pool),
    optOuts: optOutStore(pgRunner(pool), numbered),
    // PostgreSQL checks its own pages and reports a fault as a failed query (ping).
    damage: undefined,
    ping: async () => {
      try {
        await pool.query(Q.ping);
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      clearInterval(beat);
      await pool.query(Q.leave, [instance]).catch(() => undefined);
      await pool.end();
    },
  };
}
