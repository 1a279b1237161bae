/**
 * What a downloaded file is, by its bytes (file-type reads its magic numbers), never by its name or
 * the type a server declared: HTML named `.jpg` is not served as an image, nor as HTML. Bytes no
 * signature names are `application/octet-stream`, except plain text the provider declared as a
 * text type the app shows (a vCard, a calendar entry) that carries no markup.
 */
import { fileTypeFromBuffer } from 'file-type';
import type Sharp from 'sharp';

/** Text types taken as declared when the bytes are UTF-8 without markup. */
const PLAIN_TEXT = new Set(['text/plain', 'text/vcard', 'text/x-vcard', 'text/calendar']);

/** Longest side of a preview, and its JPEG quality: a thumbnail of a few kilobytes, as peers send. */
const PREVIEW = { side: 120, quality: 40 } as const;

/** The content type of `bytes`; `declared` is only a hint for plain text. */
export async function sniffType(bytes: Buffer, declared: string | undefined): Promise<string> {
  const found = await fileTypeFromBuffer(bytes);
  if (found !== undefined) return found.mime;
  const hint = declaredText(declared);
  if (hint !== undefined) {
    const text = plainTextCheck();
    if (text.add(bytes) && text.end()) return hint;
  }
  return 'application/octet-stream';
}

/** The declared type when it is one of {@link PLAIN_TEXT}, without parameters. */
export function declaredText(declared: string | undefined): string | undefined {
  const hint = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return PLAIN_TEXT.has(hint) ? hint : undefined;
}

/** Whether bytes fed piece by piece are UTF-8 without markup (`<`) or NUL; false once they are not. */
export function plainTextCheck(): { add(piece: Buffer): boolean; end(): boolean } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let plain = true;
  const check = (decode: () => string) => {
    if (!plain) return false;
    try {
      plain = !/[<\u0000]/.test(decode());
    } catch {
      plain = false;
    }
    return plain;
  };
  return {
    add: (piece) => check(() => decoder.decode(piece, { stream: true })),
    end: () => check(() => decoder.decode()),
  };
}

/** sharp once {@link loadSharp} has loaded it. */
let loaded: typeof Sharp | undefined;

/**
 * sharp, loaded when the first picture arrives, with libvips' operation cache off: every picture is
 * new, so the cache (up to 50 MB of decoded images by default) is never hit and only holds memory.
 */
export async function loadSharp(): Promise<typeof Sharp> {
  if (loaded !== undefined) return loaded;
  const { default: sharp } = await import('sharp');
  sharp.cache(false);
  loaded = sharp;
  return sharp;
}

/**
 * A small JPEG of an image (at most 120 px a side), or undefined when `bytes` are no image sharp
 * reads. sharp is loaded here only, when a picture arrives.
 */
export async function previewOf(bytes: Buffer, contentType: string): Promise<Buffer | undefined> {
  if (!contentType.startsWith('image/')) return undefined;
  // Once loaded, sharp is called before this function's first await: the decode is queued at once.
  const sharp = loaded ?? (await loadSharp());
  try {
    return await sharp(bytes, { limitInputPixels: 50_000_000 })
      .rotate()
      .resize(PREVIEW.side, PREVIEW.side, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: PREVIEW.quality })
      .toBuffer();
  } catch {
    return undefined;
  }
}
