/**
 * The Acrobits file-transfer document (DESIGN §11, contract; doc.acrobits.net/api/client/x-acro-filetransfer.html):
 * what Fetch returns as `sms_text` of a message with files, `content_type`
 * `application/x-acro-filetransfer+json`. The caption is `body`; each attachment has its
 * `content-type`, `content-url` (our signed URL, which needs no credentials and never expires),
 * `content-size`, `filename`, and for images a `preview` (base64 JPEG). Nothing is encrypted: the
 * files are served over the gateway's own HTTPS, so no `encryption-key`.
 */
import type { MediaEntry } from '../store/media-store.js';

/** The content type of a file-transfer message. */
export const FILE_TRANSFER = 'application/x-acro-filetransfer+json';

/** One attachment as the app reads it. */
interface DocumentAttachment {
  'content-type': string;
  'content-url': string;
  'content-size'?: number;
  filename?: string;
  preview?: { 'content-type': string; content: string };
}

/**
 * The document of a message whose caption is `caption` and whose files are `entries` (one message's,
 * in order). A file still pending is listed with its URL (it is served there once it arrives); one
 * given up is left out and the caption says which is missing, so the user knows something was sent.
 */
export function fileTransferText(
  caption: string,
  entries: readonly MediaEntry[],
  urlOf: (id: string) => string,
): string {
  const attachments: DocumentAttachment[] = [];
  const missing: number[] = [];
  for (const e of entries) {
    if (e.state === 'failed') {
      missing.push(e.position + 1);
      continue;
    }
    const item: DocumentAttachment = {
      'content-type': e.contentType ?? bareType(e.declaredType) ?? 'application/octet-stream',
      'content-url': urlOf(e.id),
    };
    if (e.size !== undefined) item['content-size'] = e.size;
    if (e.filename !== undefined) item.filename = e.filename;
    if (e.preview !== undefined) item.preview = { 'content-type': 'image/jpeg', content: e.preview.toString('base64') };
    attachments.push(item);
  }
  const note = missing.length === 0 ? '' : missingNote(missing, entries.length);
  const body = [caption, note].filter((t) => t !== '').join('\n');
  return JSON.stringify(body === '' ? { attachments } : { body, attachments });
}

function missingNote(missing: readonly number[], total: number): string {
  if (total === 1) return '[the attachment could not be downloaded]';
  const which = missing.length === 1 ? `attachment ${missing[0]}` : `attachments ${missing.join(', ')}`;
  return `[${which} of ${total} could not be downloaded]`;
}

function bareType(type: string | undefined): string | undefined {
  const bare = type?.split(';')[0]?.trim().toLowerCase();
  return bare === undefined || bare === '' ? undefined : bare;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/bmp': 'bmp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'audio/mpeg': 'mp3',
  'audio/amr': 'amr',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'application/pdf': 'pdf',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'text/calendar': 'ics',
  'text/plain': 'txt',
};

/** A file name for attachment `position` (from 0) of type `contentType`, when the provider gave none. */
export function filenameFor(position: number, contentType: string): string {
  return `attachment-${position + 1}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

/** What a push says of a message's files: "Photo", "Video", "2 photos", "3 attachments". */
export function mediaSummary(entries: readonly MediaEntry[]): string {
  const kinds = entries.map((e) => kindOf(e.contentType ?? bareType(e.declaredType) ?? ''));
  const first = kinds[0] ?? 'File';
  if (kinds.length <= 1) return first;
  if (kinds.every((k) => k === first)) return `${kinds.length} ${PLURAL[first] ?? 'files'}`;
  return `${kinds.length} attachments`;
}

const PLURAL: Readonly<Record<string, string>> = {
  Photo: 'photos',
  Video: 'videos',
  Audio: 'audio files',
  File: 'files',
  Contact: 'contacts',
};

function kindOf(type: string): string {
  if (type.startsWith('image/')) return 'Photo';
  if (type.startsWith('video/')) return 'Video';
  if (type.startsWith('audio/')) return 'Audio';
  if (type === 'text/vcard' || type === 'text/x-vcard') return 'Contact';
  return 'File';
}
