/**
 * Makes the files an app sent ready for a provider: each is downloaded from the app's storage
 * (https, any public host, no credentials, bounded), decrypted (AES-CTR, the key's length choosing
 * AES-128/192/256, and an all-zero initial counter block, as every known implementation does; the
 * Acrobits page names the mode only), checked against its CRC-32, typed by its bytes, and an image
 * over the provider's limits (its media rules: bytes per file and per message, accepted types) is
 * re-encoded as JPEG and scaled down until it fits. What cannot be made to fit is refused with a
 * sentence for the user.
 */
import { createDecipheriv } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { MediaRules } from 'switchboard/internal/generated/provider.js';
import type { MediaConfig } from '../config/gateway-config.js';
import type { MediaFile } from '../store/media-store.js';
import type { AppAttachment } from './app-document.js';
import { filenameFor } from './document.js';
import { download, DownloadFailure, wholeBody, type DownloadFault } from './download.js';
import { previewOf, sniffType } from './inspect.js';

/** The longest an app's files may take to download, together: the app gives up on Send after about 30 s. */
const APP_DOWNLOAD_MS = 12_000;

/** Steps of scaling an image down: longest side and JPEG quality. */
const STEPS = [
  [2048, 85],
  [1600, 80],
  [1280, 75],
  [1024, 70],
  [800, 60],
  [640, 50],
  [480, 45],
] as const;

/** The files, ready; or why not, and whether it is the user's to fix (`local`) or the storage's. */
export type Prepared =
  | { readonly ok: true; readonly files: MediaFile[] }
  | { readonly ok: false; readonly message: string; readonly local: boolean };

/** Downloads, decrypts, checks and fits every attachment. */
export async function prepareAppFiles(
  attachments: readonly AppAttachment[],
  rules: MediaRules | undefined,
  config: MediaConfig,
): Promise<Prepared> {
  // One budget for all the files together, so that several cannot add up past the app's patience.
  const deadline = Date.now() + Math.min(config.timeoutMs, APP_DOWNLOAD_MS);
  const files: MediaFile[] = [];
  const share = rules?.maxTotalBytes === undefined ? undefined : Math.floor(rules.maxTotalBytes / attachments.length);
  for (const [i, a] of attachments.entries()) {
    const left = deadline - Date.now();
    if (left <= 0) return { ok: false, message: `attachment ${i + 1} could not be downloaded in time`, local: false };
    const got = await fetchWhole(a.url, { ...config, timeoutMs: left });
    if (!got.ok)
      return { ok: false, message: `attachment ${i + 1} could not be downloaded: ${got.error}`, local: false };
    const bytes = a.key === undefined ? got.bytes : decrypt(got.bytes, a.key);
    if (a.hash !== undefined && crc32(bytes) !== a.hash)
      return { ok: false, message: `attachment ${i + 1} is damaged: its hash does not match`, local: true };
    const contentType = await sniffType(bytes, a.contentType);
    const fitted = await fit(bytes, contentType, rules, Math.min(rules?.maxBytes ?? Infinity, share ?? Infinity));
    if (typeof fitted === 'string') return { ok: false, message: `attachment ${i + 1} ${fitted}`, local: true };
    files.push({
      ...fitted,
      size: fitted.bytes.length,
      filename: a.filename ?? filenameFor(i, fitted.contentType),
      preview: await previewOf(fitted.bytes, fitted.contentType),
    });
  }
  return { ok: true, files };
}

/**
 * An app's file, whole: it is decrypted, checked and perhaps re-encoded before its message exists,
 * and a provider takes a few MB at most (media rules), so it is held, bounded by media.maxBytes.
 */
async function fetchWhole(url: string, limits: MediaConfig): Promise<{ ok: true; bytes: Buffer } | DownloadFault> {
  const everywhere = { hosts: ['*'], redirectHosts: [], authorization: undefined };
  const got = await download(url, everywhere, limits);
  if (!got.ok) return got;
  try {
    return { ok: true, bytes: await wholeBody(got.body) };
  } catch (error) {
    if (error instanceof DownloadFailure) return error.fault;
    throw error;
  }
}

/** AES-CTR with an all-zero initial counter block; the key's length picks the AES variant. */
export function decrypt(bytes: Buffer, key: Buffer): Buffer {
  const decipher = createDecipheriv(`aes-${key.length * 8}-ctr`, key, Buffer.alloc(16, 0));
  return Buffer.concat([decipher.update(bytes), decipher.final()]);
}

function accepted(rules: MediaRules | undefined, type: string): boolean {
  const types = rules?.contentTypes;
  if (types === undefined) return true;
  return types.some((t) => (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : t === type));
}

/** The file as it can go: as is, or an image re-encoded smaller; else why it cannot. */
async function fit(
  bytes: Buffer,
  contentType: string,
  rules: MediaRules | undefined,
  maxBytes: number,
): Promise<{ bytes: Buffer; contentType: string } | string> {
  if (bytes.length <= maxBytes && accepted(rules, contentType)) return { bytes, contentType };
  if (!contentType.startsWith('image/') || !accepted(rules, 'image/jpeg'))
    return accepted(rules, contentType)
      ? `has ${bytes.length} bytes; the provider takes at most ${maxBytes}`
      : `is ${contentType}; the provider takes ${rules?.contentTypes?.join(', ') ?? 'other types'}`;
  const { default: sharp } = await import('sharp');
  for (const [side, quality] of STEPS) {
    let smaller: Buffer;
    try {
      smaller = await sharp(bytes, { limitInputPixels: 100_000_000 })
        .rotate()
        .resize(side, side, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality })
        .toBuffer();
    } catch {
      return 'is an image that cannot be read';
    }
    if (smaller.length <= maxBytes) return { bytes: smaller, contentType: 'image/jpeg' };
  }
  return `is an image that stays over ${maxBytes} bytes however small it is made`;
}
