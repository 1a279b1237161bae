/**
 * Opt-outs in the gateway's database (`opt_outs`, migration 10): one row per (our number, the
 * person who opted out), both E.164 where they are numbers. The same statements serve SQLite and
 * PostgreSQL through a two-call adapter. As a {@link SuppressionStore} it is what every connector of
 * the gateway checks before a send (DESIGN §12).
 */
import type { SuppressionStore } from 'switchboard/internal/suppression.js';

/** One opt-out. */
export interface OptOut {
  /** Our number the person asked for no more messages from. */
  readonly ownNumber: string;
  /** The person. */
  readonly peer: string;
  /** How it was learnt: `keyword STOP`, `provider code 21610`, `admin`, `import`. */
  readonly source: string;
  /** When, RFC 3339 UTC. */
  readonly at: string;
}

/** The opt-outs of a gateway. */
export interface OptOutStore extends SuppressionStore {
  isOptedOut(ownNumber: string, peer: string): Promise<boolean>;
  optOut(ownNumber: string, peer: string, source: string): Promise<void>;
  /** Records an opt-out; false when it was recorded already (the first source is kept). */
  add(ownNumber: string, peer: string, source: string): Promise<boolean>;
  /**
   * Records that the recipient of a message sent through `providerAccount` (found by our id or the
   * provider's) opted out of the number it was sent from: a delivery report said so. False when no
   * such message is kept, or the opt-out was recorded already.
   */
  addForMessage(
    providerAccount: string,
    ids: { readonly uid?: string | undefined; readonly providerMessageId?: string | undefined },
    source: string,
  ): Promise<boolean>;
  /** Removes an opt-out (the person opted back in); false when there was none. */
  remove(ownNumber: string, peer: string): Promise<boolean>;
  /** Every opt-out, by our number then the person. */
  list(): Promise<OptOut[]>;
}

/** What the statements need of a database: a write that counts its changes, and a read. */
export interface SqlRunner {
  run(sql: string, params: readonly unknown[]): Promise<number>;
  all(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

const SQL = {
  one: 'SELECT 1 AS one FROM opt_outs WHERE own_number = ? AND peer = ?',
  add: `INSERT INTO opt_outs (own_number, peer, source, created_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (own_number, peer) DO NOTHING`,
  // One message's parties, found as delivery reports find it; WHERE true: SQLite's rule for an
  // upsert whose rows come from a SELECT.
  addForMessage: `INSERT INTO opt_outs (own_number, peer, source, created_ms)
    SELECT own_number, peer, ?, ? FROM (SELECT own_number, peer FROM messages
      WHERE direction = 'out' AND provider_account = ? AND (uid = ? OR provider_message_id = ?) LIMIT 1) AS sent
    WHERE true ON CONFLICT (own_number, peer) DO NOTHING`,
  remove: 'DELETE FROM opt_outs WHERE own_number = ? AND peer = ?',
  list: 'SELECT own_number, peer, source, created_ms FROM opt_outs ORDER BY own_number, peer',
} as const;

/** The opt-out store over `db`; `numbered` turns `?` into `$n` for PostgreSQL. */
export function optOutStore(db: SqlRunner, numbered: (sql: string) => string = (sql) => sql): OptOutStore {
  const q = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, numbered(sql)])) as typeof SQL;
  const add = async (own: string, peer: string, source: string) =>
    (await db.run(q.add, [own, peer, source, Date.now()])) > 0;
  return {
    isOptedOut: async (own, peer) => (await db.all(q.one, [own, peer])).length > 0,
    optOut: async (own, peer, source) => void (await add(own, peer, source)),
    add,
    addForMessage: async (account, ids, source) =>
      (await db.run(q.addForMessage, [source, Date.now(), account, ids.uid ?? null, ids.providerMessageId ?? null])) >
      0,
    remove: async (own, peer) => (await db.run(q.remove, [own, peer])) > 0,
    list: async () =>
      (await db.all(q.list, [])).map((r) => ({
        ownNumber: String(r.own_number),
        peer: String(r.peer),
        source: String(r.source),
        at: new Date(Number(r.created_ms)).toISOString(),
      })),
  };
}

/** The statements' runner over a better-sqlite3 database. */
export function sqliteRunner(db: {
  prepare(sql: string): { run(...p: unknown[]): { changes: number }; all(...p: unknown[]): unknown[] };
}): SqlRunner {
  // Prepared once each: every send asks.
  const prepared = new Map<string, ReturnType<typeof db.prepare>>();
  const statement = (sql: string) => {
    let found = prepared.get(sql);
    if (found === undefined) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  return {
    run: async (sql, params) => statement(sql).run(...params).changes,
    all: async (sql, params) => statement(sql).all(...params) as Record<string, unknown>[],
  };
}

/** The statements' runner over a `pg` pool or client. */
export function pgRunner(pool: {
  query(sql: string, values: unknown[]): Promise<{ rowCount: number | null; rows: Record<string, unknown>[] }>;
}): SqlRunner {
  return {
    run: async (sql, params) => (await pool.query(sql, [...params])).rowCount ?? 0,
    all: async (sql, params) => (await pool.query(sql, [...params])).rows,
  };
}
