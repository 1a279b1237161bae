/**
 * Learns what a file is from its chunks as they go by, without holding it: its type from the first
 * chunk (file-type reads the magic numbers of the first few KB), whether text is plain UTF-8 as it
 * goes, and its size. One thing is held, and bounded: sharp decodes an image from bytes at hand
 * (its stream input gathers them too), so an image up to {@link PREVIEW_MAX_BYTES} is gathered for
 * its preview, and a larger one gets none.
 */
import { declaredText, plainTextCheck, previewOf, sniffType } from './inspect.js';

/** The largest image given a preview: decoding it costs its bytes at hand, and a thumbnail of a larger one is no better. */
export const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;

/** What is known once every chunk went by. */
export interface Inspected {
  readonly contentType: string;
  readonly size: number;
  readonly preview: Buffer | undefined;
}

/** An inspector of one file: `add` each chunk in order, then `end`. `declared` is a hint for plain text only. */
export function inspector(declared: string | undefined): {
  add(bytes: Buffer): Promise<void>;
  /** Whether `end` makes a preview (sharp, on libuv's threads): the file is an image under the bound. */
  readonly previewing: boolean;
  /** The facts; an image's preview is started before its first `await`. */
  end(): Promise<Inspected>;
} {
  let size = 0;
  let sniffed: string | undefined;
  let text: ReturnType<typeof plainTextCheck> | undefined;
  let image: Buffer[] | undefined;
  return {
    async add(bytes) {
      if (size === 0) {
        sniffed = await sniffType(bytes, undefined);
        if (sniffed === 'application/octet-stream' && declaredText(declared) !== undefined) text = plainTextCheck();
        if (sniffed.startsWith('image/')) image = [];
      }
      size += bytes.length;
      text?.add(bytes);
      if (size > PREVIEW_MAX_BYTES) image = undefined;
      image?.push(bytes);
    },
    get previewing() {
      return image !== undefined;
    },
    async end() {
      if (size === 0) return { contentType: await sniffType(Buffer.alloc(0), declared), size, preview: undefined };
      const plain = text?.end() === true ? declaredText(declared) : undefined;
      const contentType = plain ?? sniffed ?? 'application/octet-stream';
      const preview = image === undefined ? undefined : await previewOf(Buffer.concat(image), contentType);
      return { contentType, size, preview };
    },
  };
}
