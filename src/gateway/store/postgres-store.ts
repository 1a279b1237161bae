/**
 * The PostgreSQL store (`pg`): the same schema, migrations and statements as the SQLite store,
 * with `?` numbered as `$n`. Each method is one transaction on a pooled client; a COMMIT returns
 * once the write is durable (PostgreSQL's default synchronous_commit). Migrations run under an
 * advisory lock, so gateway processes starting together apply each step once.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS } from './migrations.js';
import { SQL, deviceRow, inboundRow, outgoingRow, toMessage, type MessageRow } from './statements.js';
import { toDevice } from './sqlite-store.js';
import { rankOf, type DeviceReport, type Store, type StoredMessage } from './store.js';

type Client = pg.PoolClient;

/** `?` placeholders as `$1, $2, …` (no statement here has a `?` inside a literal). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const Q = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, numbered(sql)])) as Record<
  keyof typeof SQL,
  string
>;

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
        for (const statement of step.statements) await client.query(statement);
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
 * Connects to PostgreSQL at `url` and applies the migrations.
 * @example const store = await openPostgresStore('postgres://gateway@db:5432/gateway');
 */
/** Thrown inside a transaction to roll it back when a message was stored already. */
const REPEATED = new Error('stored already');

export async function openPostgresStore(url: string): Promise<Store> {
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
  const nextSeq = async (client: Client, login: string) =>
    Number((await client.query<{ last_seq: string }>(Q.nextSeq, [login])).rows[0]?.last_seq);
  const one = async (client: Client, login: string, seq: number) =>
    toMessage((await client.query(Q.bySeq, [login, seq])).rows[0] as MessageRow);
  const now = () => new Date().toISOString();
  // This process says it is alive; messages it owns are never taken over while it does.
  const instance = randomUUID();
  await pool.query(Q.heartbeat, [instance, Date.now()]);
  const beat = setInterval(() => {
    pool.query(Q.heartbeat, [instance, Date.now()]).catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();

  return {
    queueOutgoing: (r) =>
      transaction(async (client): Promise<StoredMessage> => {
        const seq = await nextSeq(client, r.login);
        await client.query(Q.insertMessage, outgoingRow(r, seq, instance, now()));
        return one(client, r.login, seq);
      }),
    markIntent: async (login, seq) => (await changes(Q.markIntent, [instance, login, seq])) > 0,
    markAmbiguous: async (login, seq) => (await changes(Q.intentToAmbiguousOne, [login, seq])) > 0,
    recordOutcome: async (login, seq, o) => {
      const s = o.state;
      const code = s === 'failed' ? (o.code ?? null) : null;
      await changes(Q.recordOutcome, [s, o.providerMessageId ?? null, o.error ?? null, code, s, s, s, s, login, seq]);
    },
    insertInbound: async (r) => {
      const repeat = async () => ({
        message: toMessage((await rows(Q.byDedupeKey, [r.dedupeKey]))[0] as MessageRow),
        inserted: false,
      });
      if ((await rows(Q.byDedupeKey, [r.dedupeKey])).length > 0) return repeat();
      try {
        return await transaction(async (client) => {
          // The counter row is locked first, so two processes storing one message take turns.
          const seq = await nextSeq(client, r.login);
          const inserted = await client.query(Q.insertMessageOnce, inboundRow(r, seq, now()));
          // Another process stored it meanwhile: roll back, so the repeat does not use up an sms_id.
          if ((inserted.rowCount ?? 0) === 0) throw REPEATED;
          return { message: await one(client, r.login, seq), inserted: true };
        });
      } catch (error) {
        if (error === REPEATED) return repeat();
        throw error;
      }
    },
    insertUnrouted: async (r) =>
      (await changes(Q.insertUnrouted, [
        randomUUID(),
        r.providerAccount,
        r.peer,
        r.ownNumber,
        r.text,
        r.providerMessageId ?? null,
        r.receivedAt ?? now(),
        r.dedupeKey,
      ])) > 0,
    applyStatus: async (account, ids, status) => {
      const rank = rankOf(status);
      if (ids.uid !== undefined && (await changes(Q.statusByUid, [status, rank, ids.uid, account, rank])) > 0)
        return true;
      if (ids.providerMessageId === undefined) return false;
      return (await changes(Q.statusByProviderId, [status, rank, account, ids.providerMessageId, rank])) > 0;
    },
    fetch: async (login, cursors, limit) => ({
      received: (await rows(Q.received, [login, cursors.received ?? 0, limit])).map(toMessage),
      sent: (await rows(Q.sent, [login, cursors.sent ?? 0, login, limit])).map(toMessage),
    }),
    message: async (login, seq) => {
      const [row] = await rows(Q.bySeq, [login, seq]);
      return row === undefined ? undefined : toMessage(row);
    },
    saveDevice: (login, r: DeviceReport) =>
      transaction(async (client) => {
        const device = r.selector || r.installid;
        const old = (await client.query(`${Q.device} FOR UPDATE`, [login, device])).rows[0] as
          Record<string, string> | undefined;
        await client.query(Q.upsertDevice, deviceRow(login, device, r, old));
      }),
    devices: async (login) => ((await pool.query(Q.devices, [login])).rows as Record<string, string>[]).map(toDevice),
    dropToken: async (login, device, token) => void (await changes(Q.dropToken, [token, token, login, device])),
    recover: () =>
      transaction(async (client) => {
        const alive = Date.now() - STALE_MS;
        const ambiguous = (await client.query(Q.intentToAmbiguous, [instance, alive])).rowCount ?? 0;
        const claimed = await client.query(Q.claimQueued, [instance, instance, alive]);
        const queued = (claimed.rows as MessageRow[]).map(toMessage).sort((a, b) => a.seq - b.seq);
        return { queued, ambiguous };
      }),
    shared: true,
    purge: async (beforeMs) =>
      (await changes(Q.purge, [beforeMs])) + (await changes(Q.purgeUnrouted, [new Date(beforeMs).toISOString()])),
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
