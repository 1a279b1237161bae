/**
 * Failed logins counted in the database, so that gateway processes sharing one PostgreSQL share
 * one limit: each process's own table (app/login-limiter.ts) let N processes take N times the
 * guesses. Every gateway with several processes has PostgreSQL (SQLite serves one process), so the
 * table lives there even when Redis carries the send queue: one round trip per login check, small
 * next to the scrypt verification it guards. Keys are digests of a login or a client address.
 */

/** The failures of one key in its current window. */
export interface FailureCount {
  readonly failures: number;
  /** When the window began (its first failure), ms since 1970. */
  readonly since: number;
}

/** Failures of login and address keys, shared by every gateway process on the database. */
export interface FailureLedger {
  /** The counts of `ids` whose window began after `after` (ms); a key missing had none. */
  read(ids: readonly string[], after: number): Promise<Map<string, FailureCount>>;
  /** Adds one failure to each of `ids`; a key whose window began at or before `endedBefore` starts a new one at `now`. */
  add(ids: readonly string[], now: number, endedBefore: number): Promise<void>;
  /** Forgets keys whose window began at or before `endedBefore`. */
  prune(endedBefore: number): Promise<void>;
}

/** What the ledger needs of a `pg` pool. */
interface Queryable {
  query(sql: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** The ledger in PostgreSQL's `login_failures` table (migration 10). */
export function pgFailureLedger(pool: Queryable): FailureLedger {
  return {
    async read(ids, after) {
      const { rows } = await pool.query(
        'SELECT key, since_ms, failures FROM login_failures WHERE key = ANY($1::text[]) AND since_ms > $2',
        [ids, after],
      );
      return new Map(rows.map((r) => [String(r.key), { failures: Number(r.failures), since: Number(r.since_ms) }]));
    },
    async add(ids, now, endedBefore) {
      // One statement per check: the row lock makes concurrent failures from other processes add up.
      await pool.query(
        `INSERT INTO login_failures (key, since_ms, failures) SELECT k, $2, 1 FROM unnest($1::text[]) AS k
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_failures.since_ms <= $3 THEN 1 ELSE login_failures.failures + 1 END,
           since_ms = CASE WHEN login_failures.since_ms <= $3 THEN $2 ELSE login_failures.since_ms END`,
        [ids, now, endedBefore],
      );
    },
    async prune(endedBefore) {
      await pool.query('DELETE FROM login_failures WHERE since_ms <= $1', [endedBefore]);
    },
  };
}
