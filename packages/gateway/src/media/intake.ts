/**
 * Takes a download into the store as it arrives: each chunk is written (joining the store's group
 * commit) while the next is read, the first chunk tells the type (file-type reads the magic numbers
 * of its first few KB), and the file becomes visible only with its last chunk, in one write that
 * sets its size, type and preview. So a file is never held whole to be stored, with one exception
 * that is bounded: sharp decodes an image from bytes at hand (its stream input gathers them too), so
 * an image up to {@link PREVIEW_MAX_BYTES} is gathered for its preview, and a larger one gets none.
 */
import type { LastChunk, MediaStore } from '../store/media-store.js';
import { inChunks } from '../store/media-chunks.js';
import { filenameFor } from './document.js';
import { DownloadFailure, type DownloadFault } from './download.js';
import { declaredText, plainTextCheck, previewOf, sniffType } from './inspect.js';

/** The largest image given a preview: decoding it costs its bytes at hand, and a thumbnail of a larger one is no better. */
export const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;

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

/** What a file is, learnt from its chunks as they go by. */
function inspector(declared: string | undefined) {
  let size = 0;
  let sniffed: string | undefined;
  let text: ReturnType<typeof plainTextCheck> | undefined;
  let image: Buffer[] | undefined;
  return {
    async add(bytes: Buffer): Promise<void> {
      if (size === 0) {
        sniffed = await sniffType(bytes, undefined);
        const hint = declaredText(declared);
        if (sniffed === 'application/octet-stream' && hint !== undefined) text = plainTextCheck();
        if (sniffed.startsWith('image/')) image = [];
      }
      size += bytes.length;
      text?.add(bytes);
      if (size > PREVIEW_MAX_BYTES) image = undefined;
      image?.push(bytes);
    },
    async end(): Promise<{ contentType: string; size: number; preview: Buffer | undefined }> {
      if (size === 0) return { contentType: await sniffType(Buffer.alloc(0), declared), size, preview: undefined };
      const contentType = text === undefined ? (sniffed ?? 'application/octet-stream') : textType(text, declared);
      const preview = image === undefined ? undefined : await previewOf(Buffer.concat(image), contentType);
      return { contentType, size, preview };
    },
  };
}

function textType(text: ReturnType<typeof plainTextCheck>, declared: string | undefined): string {
  return text.end() ? (declaredText(declared) ?? 'application/octet-stream') : 'application/octet-stream';
}
