/**
 * Reads the file-transfer document an app sends (research: shared/research/media.md §1.1, §1.6):
 * the caption is `body`; each attachment has a `content-url` (the app's storage, MMMSG), and may
 * have `content-type`, `filename`, a hex AES-CTR `encryption-key` (16, 24 or 32 bytes) and `hash`,
 * the CRC-32 of the decrypted bytes as an unsigned decimal. A Send is a file transfer when its
 * content type says so, or when its body is such a document (templates that omit %content_type%).
 */
import { FILE_TRANSFER } from './document.js';

/** One attachment the app sent. */
export interface AppAttachment {
  readonly url: string;
  readonly contentType: string | undefined;
  readonly filename: string | undefined;
  readonly key: Buffer | undefined;
  readonly hash: number | undefined;
}

/** The document: the caption and the attachments. */
export interface AppDocument {
  readonly caption: string;
  readonly attachments: readonly AppAttachment[];
}

/** Whether a Send with `contentType` and `body` carries files. */
export function isFileTransfer(contentType: string | undefined, body: string): boolean {
  if ((contentType ?? '').split(';')[0]?.trim().toLowerCase() === FILE_TRANSFER) return true;
  if (!body.trimStart().startsWith('{')) return false;
  try {
    const parsed = JSON.parse(body) as { attachments?: unknown };
    return Array.isArray(parsed.attachments) && parsed.attachments.length > 0;
  } catch {
    return false;
  }
}

/** The document in `body`, or a sentence saying what is wrong with it (shown to the user). */
export function readAppDocument(body: string): AppDocument | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the file transfer is not a JSON document';
  }
  if (parsed === null || typeof parsed !== 'object') return 'the file transfer is not a JSON object';
  const { body: caption, attachments } = parsed as { body?: unknown; attachments?: unknown };
  if (caption !== undefined && typeof caption !== 'string') return 'the caption (body) must be text';
  if (!Array.isArray(attachments) || attachments.length === 0) return 'the file transfer has no attachments';
  const read: AppAttachment[] = [];
  for (const [i, item] of attachments.entries()) {
    const one = readAttachment(item);
    if (typeof one === 'string') return `attachment ${i + 1}: ${one}`;
    read.push(one);
  }
  return { caption: caption ?? '', attachments: read };
}

function readAttachment(item: unknown): AppAttachment | string {
  if (item === null || typeof item !== 'object') return 'not an object';
  const a = item as Record<string, unknown>;
  const url = a['content-url'];
  if (typeof url !== 'string' || url === '') return 'content-url is missing';
  const key = a['encryption-key'];
  let keyBytes: Buffer | undefined;
  if (key !== undefined) {
    if (typeof key !== 'string' || !/^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/.test(key))
      return 'the encryption-key must be 32, 48 or 64 hex digits (an AES-128, -192 or -256 key)';
    keyBytes = Buffer.from(key, 'hex');
  }
  const hash = a.hash;
  if (hash !== undefined && (typeof hash !== 'string' || !/^\d{1,10}$/.test(hash) || Number(hash) > 0xffffffff))
    return 'the hash must be a CRC-32 in decimal';
  const text = (name: string) => (typeof a[name] === 'string' && a[name] !== '' ? a[name] : undefined);
  return {
    url,
    contentType: text('content-type'),
    filename: text('filename'),
    key: keyBytes,
    hash: hash === undefined ? undefined : Number(hash),
  };
}
