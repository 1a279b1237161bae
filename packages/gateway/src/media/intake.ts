/**
 * Takes a download into the store as it arrives: each chunk is written (joining the store's group
 * commit) while the next is read, the first chunk tells the type (file-type reads the magic numbers
 * of its first few KB), and the file becomes visible only with its last chunk, in one write that
 * sets its size, type and preview. So a file is never held whole to be stored, but for an image
 * under the preview bound (inspector.ts).
 */
import type { LastChunk, MediaStore } from '../store/media-store.js';
import { inChunks } from '../store/media-chunks.js';
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

/** Stores `body` at `target` a chunk at a time. */
export async function intake(media: MediaStore, target: IntakeTarget, body: AsyncIterable<Buffer>): Promise<Intake> {
  const look = inspector(target.declaredType);
  let held: LastChunk | undefined;
  try {
    // One chunk is held back, so that the last goes with the write that makes the file visible.
    for await (const bytes of inChunks(body)) {
      await look.add(bytes);
      if (held !== undefined && !(await media.putChunk(target.id, target.attempt, held.n, held.bytes)))
        return { ok: true, lost: true };
      held = { n: held === undefined ? 0 : held.n + 1, bytes };
    }
  } catch (error) {
    if (error instanceof DownloadFailure) return error.fault;
    throw error;
  }
  const facts = await look.end();
  const filename = filenameFor(target.position, facts.contentType);
  const kept = await media.keep(target.id, target.attempt, { ...facts, filename }, held);
  return { ok: true, lost: !kept };
}
