/**
 * File bytes as ordered chunks (store migration 13): a download is written a chunk at a time as it
 * arrives, and served a chunk at a time, so no process holds a whole file to store or serve it.
 * Chunks, because neither database takes a file bit by bit in a way that suits us: better-sqlite3
 * has no incremental BLOB API (a BLOB is written and read whole), and PostgreSQL large objects live
 * outside their row, so a plain `DELETE` (retention) would leave them behind without a trigger or
 * `vacuumlo`. Chunk rows go with a plain `DELETE`, and each insert joins the group commit.
 *
 * Each chunk carries the attempt that wrote it: the file of an attachment is the chunks of the
 * attempt that stored it (`media.attempts` at `keep`), so the partial chunks of an attempt that
 * crashed or lost its claim are never part of what is served, and are deleted by the next claim.
 * Files stored before this step keep their single `media.bytes` value and are served from it.
 *
 * An app's file is staged: its chunks are written (attempt 0) under a new id before its message
 * and its `media` row exist, because the file is checked before anything is stored or sent. A
 * process that stops in between leaves chunks of no row, which retention deletes by their age.
 */
import type { Migration } from './migration-step.js';

/** Bytes per chunk: small enough that a few downloads at once stay a few MB, large enough that a 1 MB picture is four rows. */
export const CHUNK_BYTES = 256 * 1024;

/** The chunk table, with the column type of bytes left open (SQLite BLOB, PostgreSQL bytea). */
function chunkTable(bytes: string): string {
  return `CREATE TABLE media_chunks (
    media_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    n INTEGER NOT NULL,
    bytes ${bytes} NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (media_id, attempt, n)
  )`;
}

/** The step. */
export const MEDIA_CHUNKS_MIGRATION: Migration = {
  version: 13,
  // Files already stored are not copied into chunks: a start would rewrite every file kept (and
  // SQLite would not give the space back). They are read from media.bytes as before.
  statements: [{ sqlite: chunkTable('BLOB'), postgres: chunkTable('BYTEA') }],
};

/** The chunk statements, for both databases (PostgreSQL numbers the `?`). */
export const CHUNK_SQL = {
  /** Whether attempt `?` still holds pending attachment `?`: its chunks are written only then. */
  holds: `SELECT 1 AS held FROM media WHERE id = ? AND state = 'pending' AND attempts = ?`,
  insert: `INSERT INTO media_chunks (media_id, attempt, n, bytes, created_ms) VALUES (?, ?, ?, ?, ?)`,
  /** Every chunk of an attachment: a new claim starts from none, a given-up one keeps none. */
  dropAll: `DELETE FROM media_chunks WHERE media_id = ?`,
  /** The chunks of other attempts, once one attempt stored the file. */
  dropOthers: `DELETE FROM media_chunks WHERE media_id = ? AND attempt <> ?`,
  read: `SELECT bytes FROM media_chunks WHERE media_id = ? AND attempt = ? AND n = ?`,
  /** A file stored before chunks (migration 8): its one value. */
  readWhole: `SELECT bytes FROM media WHERE id = ?`,
  /**
   * Retention: chunks older than the cut that belong to no stored file's attempt and no pending
   * attachment (whose download may be under way); a staged file is younger than any cut.
   */
  purge: `DELETE FROM media_chunks WHERE created_ms < ? AND NOT EXISTS (SELECT 1 FROM media
    WHERE media.id = media_chunks.media_id
    AND (media.state = 'pending' OR (media.state = 'stored' AND media.attempts = media_chunks.attempt)))`,
} as const;

/**
 * Regroups `source` into pieces of `size` bytes (the last may be shorter): a network hands out
 * pieces of any size, and one row per piece of a few KB would cost a row and a write each.
 */
export async function* inChunks(source: AsyncIterable<Buffer>, size = CHUNK_BYTES): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const piece of source) {
    let rest = piece;
    while (heldBytes + rest.length >= size) {
      const take = size - heldBytes;
      held.push(rest.subarray(0, take));
      yield Buffer.concat(held, size);
      rest = rest.subarray(take);
      held = [];
      heldBytes = 0;
    }
    if (rest.length > 0) {
      held.push(rest);
      heldBytes += rest.length;
    }
  }
  if (heldBytes > 0) yield Buffer.concat(held, heldBytes);
}

/** `bytes` cut into chunks of `size` (a file already at hand: an app's attachment). */
export function chunksOf(bytes: Buffer, size = CHUNK_BYTES): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}
