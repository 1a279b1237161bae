/**
 * What the API reads and writes in the gateway's database, through the store's plain statements
 * (`Store.sql`): messages by id and by number for a key, their timelines, and Idempotency-Key
 * reservations. The tables are migration 9's (migration.ts).
 */
import type { SqlRunner } from '../store/store.js';

/** A message row as the API reads it. */
export interface ApiRow {
  readonly uid: string;
  readonly login: string;
  readonly direction: 'in' | 'out';
  readonly peer: string;
  readonly ownNumber: string;
  readonly text: string;
  readonly sendingDate: string;
  readonly createdMs: number;
  readonly providerAccount: string;
  readonly providerMessageId: string | undefined;
  readonly status: string;
  readonly statusRank: number;
  readonly sendState: string | undefined;
  readonly error: string | undefined;
  readonly errorCode: string | undefined;
}

/** One recorded status change. */
export interface ApiEvent {
  readonly atMs: number;
  readonly status: string;
  readonly error: string | undefined;
}

/** Filters and position of a list. */
export interface ListFilter {
  readonly numbers: readonly string[];
  readonly direction: 'in' | 'out' | undefined;
  readonly peer: string | undefined;
  readonly sinceMs: number | undefined;
  /** After this message, in (createdMs, uid) order. */
  readonly after: { readonly createdMs: number; readonly uid: string } | undefined;
  readonly limit: number;
}

const COLUMNS = `uid, login, direction, peer, own_number, body, sending_date, created_ms, provider_account,
  provider_message_id, status, status_rank, send_state, error, error_code`;

function toRow(row: Record<string, string | number | null>): ApiRow {
  const text = (name: string) => (row[name] === null || row[name] === undefined ? undefined : String(row[name]));
  return {
    uid: String(row.uid),
    login: String(row.login),
    direction: row.direction === 'in' ? 'in' : 'out',
    peer: String(row.peer),
    ownNumber: String(row.own_number),
    text: String(row.body),
    sendingDate: String(row.sending_date),
    createdMs: Number(row.created_ms),
    providerAccount: String(row.provider_account),
    providerMessageId: text('provider_message_id'),
    status: String(row.status),
    statusRank: Number(row.status_rank),
    sendState: text('send_state'),
    error: text('error'),
    errorCode: text('error_code'),
  };
}

/**
 * The list's statement: the key's numbers' rows after the cursor, read in the order of the
 * messages_by_number index (own_number, created_ms, uid), with `limit` + 1 rows.
 */
export function listStatement(filter: ListFilter): { sql: string; params: unknown[] } {
  const where = [`own_number IN (${filter.numbers.map(() => '?').join(', ')})`];
  const params: unknown[] = [...filter.numbers];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  if (filter.direction !== undefined) add('direction = ?', filter.direction);
  if (filter.peer !== undefined) add('peer = ?', filter.peer);
  if (filter.sinceMs !== undefined) add('created_ms >= ?', filter.sinceMs);
  if (filter.after !== undefined) {
    where.push('(created_ms > ? OR (created_ms = ? AND uid > ?))');
    params.push(filter.after.createdMs, filter.after.createdMs, filter.after.uid);
  }
  return {
    sql: `SELECT ${COLUMNS} FROM messages WHERE ${where.join(' AND ')} ORDER BY created_ms, uid LIMIT ?`,
    params: [...params, filter.limit + 1],
  };
}

/** What an Idempotency-Key row holds. */
export interface Reservation {
  readonly bodyHash: string;
  readonly createdMs: number;
  readonly uids: readonly string[];
  /** The first answer, once given. */
  readonly answer: { readonly status: number; readonly body: string } | undefined;
}

/** How long an Idempotency-Key is honoured. */
export const IDEMPOTENCY_MS = 24 * 3_600_000;

/** The API's statements over `sql`. */
export function apiStore(sql: SqlRunner) {
  return {
    /** The message `uid`, undefined when there is none. */
    async byUid(uid: string): Promise<ApiRow | undefined> {
      const [row] = await sql.all(`SELECT ${COLUMNS} FROM messages WHERE uid = ?`, [uid]);
      return row === undefined ? undefined : toRow(row);
    },
    /** The status changes of `uid`, oldest first. */
    async events(uid: string): Promise<ApiEvent[]> {
      const rows = await sql.all(
        `SELECT t.at_ms, t.status, t.error FROM messages m
          JOIN message_timeline t ON t.login = m.login AND t.seq = m.seq WHERE m.uid = ? ORDER BY t.n`,
        [uid],
      );
      return rows.map((r) => ({
        atMs: Number(r.at_ms),
        status: String(r.status),
        error: r.error === null ? undefined : String(r.error),
      }));
    },
    /** One page, in (created_ms, uid) order; one row more than `limit` tells that another page follows. */
    async list(filter: ListFilter): Promise<ApiRow[]> {
      const { sql: text, params } = listStatement(filter);
      return (await sql.all(text, params)).map(toRow);
    },
    /**
     * Takes `idemKey` for `keyId`: true when this request has it now (a key older than 24 hours is
     * taken over), else the reservation another request made.
     */
    async reserve(
      keyId: string,
      idemKey: string,
      bodyHash: string,
      uids: readonly string[],
    ): Promise<true | Reservation> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const inserted = await sql.run(
          `INSERT INTO api_idempotency (key_id, idem_key, body_hash, created_ms, uids) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (key_id, idem_key) DO NOTHING`,
          [keyId, idemKey, bodyHash, Date.now(), JSON.stringify(uids)],
        );
        if (inserted > 0) return true;
        const found = await this.reservation(keyId, idemKey);
        if (found === undefined) continue; // forgotten meanwhile: take it
        if (found.createdMs >= Date.now() - IDEMPOTENCY_MS) return found;
        await sql.run('DELETE FROM api_idempotency WHERE key_id = ? AND idem_key = ? AND created_ms = ?', [
          keyId,
          idemKey,
          found.createdMs,
        ]);
      }
      throw new Error('the Idempotency-Key could not be reserved');
    },
    /** The reservation of `idemKey`, if any. */
    async reservation(keyId: string, idemKey: string): Promise<Reservation | undefined> {
      const [row] = await sql.all(
        'SELECT body_hash, created_ms, uids, status, response FROM api_idempotency WHERE key_id = ? AND idem_key = ?',
        [keyId, idemKey],
      );
      if (row === undefined) return undefined;
      const answer =
        row.status === null || row.response === null
          ? undefined
          : { status: Number(row.status), body: String(row.response) };
      return {
        bodyHash: String(row.body_hash),
        createdMs: Number(row.created_ms),
        uids: JSON.parse(String(row.uids)) as string[],
        answer,
      };
    },
    /** Keeps the first answer to `idemKey`. */
    async answer(keyId: string, idemKey: string, status: number, body: string): Promise<void> {
      await sql.run('UPDATE api_idempotency SET status = ?, response = ? WHERE key_id = ? AND idem_key = ?', [
        status,
        body,
        keyId,
        idemKey,
      ]);
    },
    /** Forgets keys older than 24 hours; returns how many. */
    forgetExpired: (): Promise<number> =>
      sql.run('DELETE FROM api_idempotency WHERE created_ms < ?', [Date.now() - IDEMPOTENCY_MS]),
  };
}

/** The API's store. */
export type ApiStore = ReturnType<typeof apiStore>;
