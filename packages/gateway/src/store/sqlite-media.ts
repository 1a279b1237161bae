/** The media side of the SQLite store: the same file, the same group commit as its messages. */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
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

type Db = InstanceType<typeof Database>;

/** Media statements on `db`; every write goes through `write` (the store's group commit). */
export function sqliteMedia(db: Db, write: <T>(work: () => T) => Promise<T>): MediaStore {
  const q = Object.fromEntries(Object.entries(MEDIA_SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Record<
    keyof typeof MEDIA_SQL,
    Database.Statement
  >;
  return {
    signingKey: () =>
      write(() => {
        q.putSecret.run(MEDIA_KEY, randomBytes(32).toString('base64url'));
        return String((q.secret.get(MEDIA_KEY) as { value: string }).value);
      }),
    due: async (nowMs, limit) => (q.due.all(nowMs, limit) as MediaRowData[]).map(toMediaEntry),
    claim: (id, attempts, retryAtMs) => write(() => q.claim.run(retryAtMs, id, attempts).changes > 0),
    keep: (id, f) =>
      write(() => {
        q.keep.run(f.contentType, f.size, f.filename ?? null, f.bytes, f.preview ?? null, id);
      }),
    fail: (id, error, retryAtMs) =>
      write(() => {
        if (retryAtMs === undefined) q.giveUp.run(error, id);
        else q.retry.run(retryAtMs, error, id);
      }),
    addFiles: (login, seq, files) =>
      write(() =>
        files.map((f, position) => {
          const id = newMediaId();
          const row = [id, login, seq, position, f.contentType, f.size, f.filename ?? null, f.bytes];
          q.insertStored.run(...row, f.preview ?? null, Date.now());
          return id;
        }),
      ),
    ofMessages: async (login, seqs) => {
      if (seqs.length === 0) return [];
      const rows = db.prepare(ofMessagesSql(seqs.length)).all(login, ...seqs) as MediaRowData[];
      return rows.map(toMediaEntry);
    },
    file: async (id) => {
      const row = q.file.get(id) as MediaRowData | undefined;
      return row === undefined ? undefined : toMediaFile(row);
    },
  };
}
