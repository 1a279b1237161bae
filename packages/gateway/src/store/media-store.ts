/**
 * The files of messages (DESIGN §11), kept in the database next to their message (migration 8):
 * the SQLite file for one machine, PostgreSQL for several, so whichever process a request reaches
 * can serve any file. Their bytes are chunks (media-chunks.ts, migration 13), written as a download
 * arrives and read back one at a time. Both stores share these statements; PostgreSQL numbers the `?`.
 */
import { randomBytes } from 'node:crypto';

/** An attachment a provider announced, downloaded later from `url`. */
export interface MediaSource {
  readonly url: string;
  /** The type the provider declared; the stored type comes from the bytes. */
  readonly contentType?: string | undefined;
}

/** What is known of a file once all its bytes went by. */
export interface MediaFacts {
  readonly contentType: string;
  readonly size: number;
  readonly filename: string | undefined;
  /** A small JPEG for images, shown by the app before it downloads the file. */
  readonly preview: Buffer | undefined;
}

/** A file whose chunks are staged under `id` (an app's attachment), to be added to its message. */
export interface StagedFile extends MediaFacts {
  readonly id: string;
}

/** A stored file, ready to serve: its facts, and its bytes read from the database a chunk at a time. */
export interface StoredFile extends MediaFacts {
  /**
   * The bytes from `start` to `end` (inclusive; default the whole file) in order, read from the
   * database a chunk at a time; each call reads them again.
   */
  chunks(start?: number, end?: number): AsyncIterable<Buffer>;
}

/** Chunk `n` (from 0) of a file. */
export interface Chunk {
  readonly n: number;
  readonly bytes: Buffer;
}

/** One attachment of a message, without its bytes. */
export interface MediaEntry {
  readonly id: string;
  readonly login: string;
  readonly seq: number;
  /** Its place in the message, from 0. */
  readonly position: number;
  readonly sourceUrl: string;
  readonly declaredType: string | undefined;
  readonly contentType: string | undefined;
  readonly size: number | undefined;
  readonly filename: string | undefined;
  /** pending: not downloaded yet (retried); stored; failed: given up. */
  readonly state: 'pending' | 'stored' | 'failed';
  readonly attempts: number;
  readonly error: string | undefined;
  /** With {@link MediaStore.ofMessages}: the preview, for the Fetch document. */
  readonly preview?: Buffer | undefined;
}

/** The media side of the store. */
export interface MediaStore {
  /** The key that signs media URLs: made by the first process, then the same for every one. */
  signingKey(): Promise<string>;
  /** Pending attachments whose next attempt is due at `nowMs`, oldest first. */
  due(nowMs: number, limit: number): Promise<MediaEntry[]>;
  /**
   * Takes attachment `id` for one attempt, if it is still pending after `attempts` attempts: its
   * next try moves to `retryAtMs`, so another process (or a crash) leaves it to be tried again then.
   * The partial chunks of earlier attempts are deleted in the same write. The attempt's number is
   * `attempts + 1`.
   */
  claim(id: string, attempts: number, retryAtMs: number): Promise<boolean>;
  /**
   * Writes these chunks of attempt `attempt` at attachment `id`, in one write of the group commit;
   * false (nothing written) when that attempt no longer holds it: stop downloading.
   */
  putChunks(id: string, attempt: number, chunks: readonly Chunk[]): Promise<boolean>;
  /**
   * Makes the file of attempt `attempt` stored, in one write with its last chunks (none: an empty
   * file): only now is it visible and served. False when the attempt no longer holds it.
   */
  keep(id: string, attempt: number, facts: MediaFacts, last: readonly Chunk[]): Promise<boolean>;
  /**
   * Records a failed attempt: tried again at `retryAtMs` (its partial chunks go at the next claim),
   * or given up (failed, its chunks deleted) when undefined.
   */
  fail(id: string, error: string, retryAtMs: number | undefined): Promise<void>;
  /** Writes chunks of a file not yet part of a message (an app's attachment) under a new `id`, in one write. */
  stage(id: string, chunks: readonly Chunk[]): Promise<void>;
  /** The staged chunks of `id`, in order, read one at a time. */
  staged(id: string): AsyncIterable<Buffer>;
  /** Deletes the staged chunks of `id` (a file refused or replaced). */
  unstage(id: string): Promise<void>;
  /** Adds staged files to message `seq` of `login`: they are stored, served by their ids, from now on. */
  addFiles(login: string, seq: number, files: readonly StagedFile[]): Promise<void>;
  /** The attachments of these messages of `login`, with previews, in message and position order. */
  ofMessages(login: string, seqs: readonly number[]): Promise<MediaEntry[]>;
  /** A stored file by its id; undefined when unknown, not downloaded yet, or given up. */
  file(id: string): Promise<StoredFile | undefined>;
}

const ENTRY = `id, login, seq, position, source_url, declared_type, content_type, size, filename, state, attempts, error`;

/** A new media id: 128 random bits, so ids are never guessed (the URL's signature is a second lock). */
export function newMediaId(): string {
  return randomBytes(16).toString('base64url');
}

/** The name of the URL-signing key in gateway_secrets. */
export const MEDIA_KEY = 'media-url-key';

/** The statements of the media store, for both databases. */
export const MEDIA_SQL = {
  insertPending: `INSERT INTO media (id, login, seq, position, source_url, declared_type, state, attempts, next_ms,
    created_ms) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
  // A staged file: its chunks are attempt 0.
  insertStored: `INSERT INTO media (id, login, seq, position, source_url, content_type, size, filename, state, attempts,
    preview, created_ms) VALUES (?, ?, ?, ?, '', ?, ?, ?, 'stored', 0, ?, ?)`,
  due: `SELECT ${ENTRY} FROM media WHERE state = 'pending' AND next_ms <= ? ORDER BY next_ms LIMIT ?`,
  claim: `UPDATE media SET attempts = attempts + 1, next_ms = ? WHERE id = ? AND state = 'pending' AND attempts = ?`,
  keep: `UPDATE media SET state = 'stored', content_type = ?, size = ?, filename = ?, preview = ?,
    next_ms = NULL, error = NULL WHERE id = ? AND state = 'pending' AND attempts = ?`,
  retry: `UPDATE media SET next_ms = ?, error = ? WHERE id = ? AND state = 'pending'`,
  giveUp: `UPDATE media SET state = 'failed', next_ms = NULL, error = ? WHERE id = ? AND state = 'pending'`,
  // `whole`: a file stored before chunks (migration 8), served from media.bytes.
  file: `SELECT content_type, size, filename, preview, attempts,
    CASE WHEN bytes IS NULL THEN 0 ELSE 1 END AS whole FROM media WHERE id = ? AND state = 'stored'`,
  // Retention: a file goes with its message.
  purge: `DELETE FROM media WHERE NOT EXISTS
    (SELECT 1 FROM messages WHERE messages.login = media.login AND messages.seq = media.seq)`,
  secret: `SELECT value FROM gateway_secrets WHERE name = ?`,
  putSecret: `INSERT INTO gateway_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
} as const;

/** `ofMessages` for `count` messages: `IN (?, …)` with one placeholder each. */
export function ofMessagesSql(count: number): string {
  const marks = Array.from({ length: count }, () => '?').join(', ');
  return `SELECT ${ENTRY}, preview FROM media WHERE login = ? AND seq IN (${marks}) ORDER BY seq, position`;
}

/** A media row as either driver returns it (PostgreSQL: BIGINT as text, bytea as Buffer). */
export type MediaRowData = Record<string, string | number | Buffer | null>;

/** Maps a row of {@link MEDIA_SQL.due} or {@link ofMessagesSql}. */
export function toMediaEntry(row: MediaRowData): MediaEntry {
  const text = (name: string) => (row[name] === null || row[name] === undefined ? undefined : String(row[name]));
  const size = text('size');
  const preview = row.preview;
  return {
    id: String(row.id),
    login: String(row.login),
    seq: Number(row.seq),
    position: Number(row.position),
    sourceUrl: String(row.source_url),
    declaredType: text('declared_type'),
    contentType: text('content_type'),
    size: size === undefined ? undefined : Number(size),
    filename: text('filename'),
    state: String(row.state) as MediaEntry['state'],
    attempts: Number(row.attempts),
    error: text('error'),
    ...(Buffer.isBuffer(preview) ? { preview } : {}),
  };
}

/** Reads one chunk of a stored file: chunk `n` of `attempt`, or the whole old-style value (`n` 0, `whole`). */
export type ChunkReader = (id: string, attempt: number, n: number, whole: boolean) => Promise<Buffer | undefined>;

/** The staged chunks of `id` as `read` finds them, until one is missing. */
export async function* stagedChunks(id: string, read: ChunkReader): AsyncGenerator<Buffer> {
  for (let n = 0; ; n++) {
    const chunk = await read(id, 0, n, false);
    if (chunk === undefined) return;
    yield chunk;
  }
}

/**
 * Maps a row of {@link MEDIA_SQL.file} to a file whose chunks `read` fetches one by one, until the
 * end asked for is reached; a chunk missing before it ends the stream with an error, so a short
 * file is never taken for a whole one (its Content-Length was promised).
 */
export function toStoredFile(id: string, row: MediaRowData, read: ChunkReader): StoredFile {
  const preview = row.preview;
  const size = Number(row.size);
  const attempt = Number(row.attempts);
  const whole = Number(row.whole) === 1;
  return {
    contentType: String(row.content_type),
    size,
    filename: row.filename === null || row.filename === undefined ? undefined : String(row.filename),
    preview: Buffer.isBuffer(preview) ? preview : undefined,
    async *chunks(start = 0, end = size - 1) {
      if (end < start) return;
      const chunk = async (n: number) => {
        const found = await read(id, attempt, n, whole);
        if (found === undefined || found.length === 0) throw new Error(`media ${id} lacks chunk ${n}`);
        return found;
      };
      // Every chunk but the last is as long as the first, so a range starts at its chunk directly.
      let bytes = await chunk(0);
      let n = whole ? 0 : Math.floor(start / bytes.length);
      let at = n * bytes.length;
      if (n > 0) bytes = await chunk(n);
      for (;;) {
        yield bytes.subarray(Math.max(start - at, 0), Math.min(end - at + 1, bytes.length));
        at += bytes.length;
        if (at > end) return;
        bytes = await chunk(++n);
      }
    },
  };
}

/** The values of {@link MEDIA_SQL.insertPending} for the attachments of a new inbound message. */
export function pendingRows(
  login: string,
  seq: number,
  sources: readonly MediaSource[],
  newId: () => string,
): unknown[][] {
  const now = Date.now();
  return sources.map((s, position) => [newId(), login, seq, position, s.url, s.contentType ?? null, now, now]);
}
