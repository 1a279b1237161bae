/** The media side of the PostgreSQL store: the same statements as SQLite's, numbered; bytes as bytea. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  MEDIA_KEY,
  MEDIA_SQL,
  newMediaId,
  ofMessagesSql,
  toMediaEntry,
  toMediaFile,
  type MediaRowData,
  type MediaStore,
} from './media-store.js';

/** `?` placeholders as `$1, $2, …`. */
export function numberedSql(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const Q = Object.fromEntries(Object.entries(MEDIA_SQL).map(([name, sql]) => [name, numberedSql(sql)])) as Record<
  keyof typeof MEDIA_SQL,
  string
>;

/** Media statements on `pool`; writes go through `write` (the store's group commit). */
export function postgresMedia(
  pool: pg.Pool,
  write: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
): MediaStore {
  const rows = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows as MediaRowData[];
  const changed = (sql: string, params: unknown[]) =>
    write(async (client) => (await client.query(sql, params)).rowCount ?? 0);
  return {
    signingKey: async () => {
      await pool.query(Q.putSecret, [MEDIA_KEY, randomBytes(32).toString('base64url')]);
      const [row] = await rows(Q.secret, [MEDIA_KEY]);
      return String(row?.value);
    },
    due: async (nowMs, limit) => (await rows(Q.due, [nowMs, limit])).map(toMediaEntry),
    claim: async (id, attempts, retryAtMs) => (await changed(Q.claim, [retryAtMs, id, attempts])) > 0,
    keep: async (id, f) => {
      await changed(Q.keep, [f.contentType, f.size, f.filename ?? null, f.bytes, f.preview ?? null, id]);
    },
    fail: async (id, error, retryAtMs) => {
      if (retryAtMs === undefined) await changed(Q.giveUp, [error, id]);
      else await changed(Q.retry, [retryAtMs, error, id]);
    },
    addFiles: (login, seq, files) =>
      write(async (client) => {
        const ids: string[] = [];
        for (const [position, f] of files.entries()) {
          const id = newMediaId();
          const row = [id, login, seq, position, f.contentType, f.size, f.filename ?? null, f.bytes];
          await client.query(Q.insertStored, [...row, f.preview ?? null, Date.now()]);
          ids.push(id);
        }
        return ids;
      }),
    ofMessages: async (login, seqs) => {
      if (seqs.length === 0) return [];
      return (await rows(numberedSql(ofMessagesSql(seqs.length)), [login, ...seqs])).map(toMediaEntry);
    },
    file: async (id) => {
      const [row] = await rows(Q.file, [id]);
      return row === undefined ? undefined : toMediaFile(row);
    },
  };
}

/** The pending-attachment insert, numbered, for the store's inbound transaction. */
export const INSERT_PENDING = Q.insertPending;
/** Retention of files whose message is gone, numbered. */
export const PURGE_MEDIA = Q.purge;
