/**
 * What a downloaded file is, by its bytes (file-type reads its magic numbers), never by its name or
 * the type a server declared: HTML named `.jpg` is not served as an image, nor as HTML. Bytes no
 * signature names are `application/octet-stream`, except plain text the provider declared as a
 * text type the app shows (a vCard, a calendar entry) that carries no markup.
 */
import { fileTypeFromBuffer } from 'file-type';

/** Text types taken as declared when the bytes are UTF-8 without markup. */
const PLAIN_TEXT = new Set(['text/plain', 'text/vcard', 'text/x-vcard', 'text/calendar']);

/** Longest side of a preview, and its JPEG quality: a thumbnail of a few kilobytes, as peers send. */
const PREVIEW = { side: 120, quality: 40 } as const;

/** The content type of `bytes`; `declared` is only a hint for plain text. */
export async function sniffType(bytes: Buffer, declared: string | undefined): Promise<string> {
  const found = await fileTypeFromBuffer(bytes);
  if (found !== undefined) return found.mime;
  const hint = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (PLAIN_TEXT.has(hint) && isPlainText(bytes)) return hint;
  return 'application/octet-stream';
}

function isPlainText(bytes: Buffer): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return !/[<\u0000]/.test(text);
  } catch {
    return false;
  }
}

/**
 * A small JPEG of an image (at most 120 px a side), or undefined when `bytes` are no image sharp
 * reads. sharp is loaded here only, when a picture arrives.
 */
export async function previewOf(bytes: Buffer, contentType: string): Promise<Buffer | undefined> {
  if (!contentType.startsWith('image/')) return undefined;
  const { default: sharp } = await import('sharp');
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
