/** The media side of the SQLite store: the same file, the same group commit as its messages. */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { CHUNK_SQL } from './media-chunks.js';
import {
  MEDIA_KEY,
  MEDIA_SQL,
  ofMessagesSql,
  stagedChunks,
  toMediaEntry,
  toStoredFile,
  type ChunkReader,
  type MediaRowData,
  type MediaStore,
} from './media-store.js';

type Db = InstanceType<typeof Database>;

function prepareAll<K extends string>(db: Db, sql: Record<K, string>): Record<K, Database.Statement> {
  return Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, db.prepare(text as string)])) as Record<
    K,
    Database.Statement
  >;
}

/** Media statements on `db`; every write goes through `write` (the store's group commit). */
export function sqliteMedia(db: Db, write: <T>(work: () => T) => Promise<T>): MediaStore {
  const q = prepareAll(db, MEDIA_SQL);
  const c = prepareAll(db, CHUNK_SQL);
  const holds = (id: string, attempt: number) => c.holds.get(id, attempt) !== undefined;
  const insert = (id: string, attempt: number, n: number, bytes: Buffer) =>
    c.insert.run(id, attempt, n, bytes, Date.now());
  const read: ChunkReader = async (id, attempt, n, whole) => {
    const found = (whole ? c.readWhole.get(id) : c.read.get(id, attempt, n)) as { bytes: Buffer | null } | undefined;
    return found?.bytes ?? undefined;
  };
  return {
    signingKey: () =>
      write(() => {
        q.putSecret.run(MEDIA_KEY, randomBytes(32).toString('base64url'));
        return String((q.secret.get(MEDIA_KEY) as { value: string }).value);
      }),
    due: async (nowMs, limit) => (q.due.all(nowMs, limit) as MediaRowData[]).map(toMediaEntry),
    claim: (id, attempts, retryAtMs) =>
      write(() => {
        if (q.claim.run(retryAtMs, id, attempts).changes === 0) return false;
        c.dropAll.run(id);
        return true;
      }),
    putChunks: (id, attempt, chunks) =>
      write(() => {
        if (!holds(id, attempt)) return false;
        for (const { n, bytes } of chunks) insert(id, attempt, n, bytes);
        return true;
      }),
    keep: (id, attempt, f, last) =>
      write(() => {
        if (!holds(id, attempt)) return false;
        for (const { n, bytes } of last) insert(id, attempt, n, bytes);
        q.keep.run(f.contentType, f.size, f.filename ?? null, f.preview ?? null, id, attempt);
        c.dropOthers.run(id, attempt);
        return true;
      }),
    fail: (id, error, retryAtMs) =>
      write(() => {
        if (retryAtMs !== undefined) q.retry.run(retryAtMs, error, id);
        else if (q.giveUp.run(error, id).changes > 0) c.dropAll.run(id);
      }),
    stage: (id, chunks) =>
      write(() => {
        for (const { n, bytes } of chunks) insert(id, 0, n, bytes);
      }),
    staged: (id) => stagedChunks(id, read),
    unstage: (id) => write(() => void c.dropAll.run(id)),
    addFiles: (login, seq, files) =>
      write(() => {
        for (const [position, f] of files.entries()) {
          const row = [f.id, login, seq, position, f.contentType, f.size, f.filename ?? null];
          q.insertStored.run(...row, f.preview ?? null, Date.now());
        }
      }),
    ofMessages: async (login, seqs) => {
      if (seqs.length === 0) return [];
      const rows = db.prepare(ofMessagesSql(seqs.length)).all(login, ...seqs) as MediaRowData[];
      return rows.map(toMediaEntry);
    },
    file: async (id) => {
      const row = q.file.get(id) as MediaRowData | undefined;
      return row === undefined ? undefined : toStoredFile(id, row, read);
    },
  };
}
