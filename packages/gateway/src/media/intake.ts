/**
 * Takes a download into the store as it arrives: its chunks are written a few at a time, each write
 * joining the store's group commit; the first chunk tells the type (file-type reads the magic
 * numbers of its first few KB); and the file becomes visible only with its last chunks, in one
 * write that sets its size, type and preview (an image's last chunks go just before it, written
 * while sharp makes its preview). So at most {@link WRITE_BYTES} and a chunk of a file are held to
 * store it, except an image under the preview bound (inspector.ts), held for sharp.
 */
import { CHUNK_BYTES, inChunks } from '../store/media-chunks.js';
import type { Chunk, MediaStore } from '../store/media-store.js';
import { filenameFor } from './document.js';
import { DownloadFailure, type DownloadFault } from './download.js';
import { inspector } from './inspector.js';

/** Where the bytes go: attachment `id`, attempt `attempt`, at `position` in its message. */
export interface IntakeTarget {
  readonly id: string;
  readonly attempt: number;
  readonly position: number;
  /** The type the provider declared (a hint for plain text only), else the one the server sent. */
  readonly declaredType: string | undefined;
}

/** Stored; or another attempt holds the attachment now (`lost`: leave it); or why the download failed. */
export type Intake = { readonly ok: true; readonly lost: boolean } | DownloadFault;

/**
 * Bytes of chunks held before they are written: a file up to this size goes in one write with its
 * facts (one commit, as a picture needs), a larger one in writes of this size while it downloads.
 * An image under the preview bound is held whole anyway (inspector.ts); the chunks are the same Buffers.
 */
export const WRITE_BYTES = 4 * CHUNK_BYTES;

/** Stores `body` at `target` a few chunks at a time. */
export async function intake(media: MediaStore, target: IntakeTarget, body: AsyncIterable<Buffer>): Promise<Intake> {
  const look = inspector(target.declaredType);
  let held: Chunk[] = [];
  let n = 0;
  try {
    for await (const bytes of inChunks(body)) {
      await look.add(bytes);
      // The chunks held are written once they pass the bound, but for the newest: the last chunk
      // always goes with the write that makes the file visible.
      if (held.length * CHUNK_BYTES >= WRITE_BYTES) {
        if (!(await media.putChunks(target.id, target.attempt, held))) return { ok: true, lost: true };
        held = [];
      }
      held.push({ n: n++, bytes });
    }
  } catch (error) {
    if (error instanceof DownloadFailure) return error.fault;
    throw error;
  }
  const inspected = look.end();
  let last = held;
  if (look.previewing && held.length > 0) {
    // sharp decodes the image on libuv's threads while its chunks are written (on this thread, for
    // SQLite): the two overlap, and the write that makes the file visible is a small one.
    const [wrote] = await Promise.all([media.putChunks(target.id, target.attempt, held), inspected]);
    if (!wrote) return { ok: true, lost: true };
    last = [];
  }
  const facts = await inspected;
  const filename = filenameFor(target.position, facts.contentType);
  const kept = await media.keep(target.id, target.attempt, { ...facts, filename }, last);
  return { ok: true, lost: !kept };
}
