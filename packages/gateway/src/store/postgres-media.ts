/** The media side of the PostgreSQL store: the same statements as SQLite's, numbered; bytes as bytea. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { CHUNK_SQL } from './media-chunks.js';
import {
  MEDIA_KEY,
  MEDIA_SQL,
  ofMessagesSql,
  toMediaEntry,
  stagedChunks,
  toStoredFile,
  type ChunkReader,
  type MediaRowData,
  type MediaStore,
} from './media-store.js';
import { numbered, numberedAll } from './numbered-sql.js';

const Q = numberedAll(MEDIA_SQL);
const C = numberedAll(CHUNK_SQL);

/** Media statements on `pool`; writes go through `write` (the store's group commit). */
export function postgresMedia(
  pool: pg.Pool,
  write: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
): MediaStore {
  const rows = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows as MediaRowData[];
  const holds = async (client: pg.PoolClient, id: string, attempt: number) =>
    ((await client.query(C.holds, [id, attempt])).rowCount ?? 0) > 0;
  const readChunk: ChunkReader = async (id, attempt, n, whole) => {
    const [row] = await rows(whole ? C.readWhole : C.read, whole ? [id] : [id, attempt, n]);
    return Buffer.isBuffer(row?.bytes) ? row.bytes : undefined;
  };
  return {
    signingKey: async () => {
      await pool.query(Q.putSecret, [MEDIA_KEY, randomBytes(32).toString('base64url')]);
      const [row] = await rows(Q.secret, [MEDIA_KEY]);
      return String(row?.value);
    },
    due: async (nowMs, limit) => (await rows(Q.due, [nowMs, limit])).map(toMediaEntry),
    claim: (id, attempts, retryAtMs) =>
      write(async (client) => {
        if (((await client.query(Q.claim, [retryAtMs, id, attempts])).rowCount ?? 0) === 0) return false;
        await client.query(C.dropAll, [id]);
        return true;
      }),
    putChunks: (id, attempt, chunks) =>
      write(async (client) => {
        if (!(await holds(client, id, attempt))) return false;
        for (const { n, bytes } of chunks) await client.query(C.insert, [id, attempt, n, bytes, Date.now()]);
        return true;
      }),
    keep: (id, attempt, f, last) =>
      write(async (client) => {
        if (!(await holds(client, id, attempt))) return false;
        for (const { n, bytes } of last) await client.query(C.insert, [id, attempt, n, bytes, Date.now()]);
        const facts = [f.contentType, f.size, f.filename ?? null, f.preview ?? null];
        // Claimed again between the check and here (READ COMMITTED): the chunk is of an attempt never served.
        if (((await client.query(Q.keep, [...facts, id, attempt])).rowCount ?? 0) === 0) return false;
        await client.query(C.dropOthers, [id, attempt]);
        return true;
      }),
    fail: (id, error, retryAtMs) =>
      write(async (client) => {
        if (retryAtMs !== undefined) await client.query(Q.retry, [retryAtMs, error, id]);
        else if (((await client.query(Q.giveUp, [error, id])).rowCount ?? 0) > 0) await client.query(C.dropAll, [id]);
      }),
    stage: (id, chunks) =>
      write(async (client) => {
        for (const { n, bytes } of chunks) await client.query(C.insert, [id, 0, n, bytes, Date.now()]);
      }),
    staged: (id) => stagedChunks(id, readChunk),
    unstage: (id) => write(async (client) => void (await client.query(C.dropAll, [id]))),
    addFiles: (login, seq, files) =>
      write(async (client) => {
        for (const [position, f] of files.entries()) {
          const row = [f.id, login, seq, position, f.contentType, f.size, f.filename ?? null];
          await client.query(Q.insertStored, [...row, f.preview ?? null, Date.now()]);
        }
      }),
    ofMessages: async (login, seqs) => {
      if (seqs.length === 0) return [];
      return (await rows(numbered(ofMessagesSql(seqs.length)), [login, ...seqs])).map(toMediaEntry);
    },
    file: async (id) => {
      const [row] = await rows(Q.file, [id]);
      return row === undefined ? undefined : toStoredFile(id, row, readChunk);
    },
  };
}

/** The pending-attachment insert, numbered, for the store's inbound transaction. */
export const INSERT_PENDING = Q.insertPending;
/** Retention of files whose message is gone, numbered. */
export const PURGE_MEDIA = Q.purge;
/** Retention of chunks of no file (run after {@link PURGE_MEDIA}), numbered. */
export const PURGE_CHUNKS = C.purge;
