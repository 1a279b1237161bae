/**
 * The files of messages (DESIGN §11), kept in the database next to their message (migration 8):
 * the SQLite file for one machine, PostgreSQL for several, so whichever process a request reaches
 * can serve any file. Both stores share these statements; PostgreSQL numbers the `?`.
 */
import { randomBytes } from 'node:crypto';

/** An attachment a provider announced, downloaded later from `url`. */
export interface MediaSource {
  readonly url: string;
  /** The type the provider declared; the stored type comes from the bytes. */
  readonly contentType?: string | undefined;
}

/** A stored file, ready to serve. */
export interface MediaFile {
  readonly contentType: string;
  readonly size: number;
  readonly filename: string | undefined;
  readonly bytes: Buffer;
  /** A small JPEG for images, shown by the app before it downloads the file. */
  readonly preview: Buffer | undefined;
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
   */
  claim(id: string, attempts: number, retryAtMs: number): Promise<boolean>;
  /** Stores the downloaded file of a pending attachment. */
  keep(id: string, file: MediaFile): Promise<void>;
  /** Records a failed attempt: tried again at `retryAtMs`, or given up (failed) when undefined. */
  fail(id: string, error: string, retryAtMs: number | undefined): Promise<void>;
  /** Adds files already at hand (an app's attachment) to message `seq` of `login`; returns their ids. */
  addFiles(login: string, seq: number, files: readonly MediaFile[]): Promise<string[]>;
  /** The attachments of these messages of `login`, with previews, in message and position order. */
  ofMessages(login: string, seqs: readonly number[]): Promise<MediaEntry[]>;
  /** A stored file by its id; undefined when unknown, not downloaded yet, or given up. */
  file(id: string): Promise<MediaFile | undefined>;
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
  insertStored: `INSERT INTO media (id, login, seq, position, source_url, content_type, size, filename, state, attempts,
    bytes, preview, created_ms) VALUES (?, ?, ?, ?, '', ?, ?, ?, 'stored', 0, ?, ?, ?)`,
  due: `SELECT ${ENTRY} FROM media WHERE state = 'pending' AND next_ms <= ? ORDER BY next_ms LIMIT ?`,
  claim: `UPDATE media SET attempts = attempts + 1, next_ms = ? WHERE id = ? AND state = 'pending' AND attempts = ?`,
  keep: `UPDATE media SET state = 'stored', content_type = ?, size = ?, filename = ?, bytes = ?, preview = ?,
    next_ms = NULL, error = NULL WHERE id = ? AND state = 'pending'`,
  retry: `UPDATE media SET next_ms = ?, error = ? WHERE id = ? AND state = 'pending'`,
  giveUp: `UPDATE media SET state = 'failed', next_ms = NULL, error = ? WHERE id = ? AND state = 'pending'`,
  file: `SELECT content_type, size, filename, bytes, preview FROM media WHERE id = ? AND state = 'stored'`,
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

/** Maps a row of {@link MEDIA_SQL.file}. */
export function toMediaFile(row: MediaRowData): MediaFile {
  const preview = row.preview;
  return {
    contentType: String(row.content_type),
    size: Number(row.size),
    filename: row.filename === null || row.filename === undefined ? undefined : String(row.filename),
    bytes: row.bytes as Buffer,
    preview: Buffer.isBuffer(preview) ? preview : undefined,
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
