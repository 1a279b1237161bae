/**
 * Makes the files an app sent ready for a provider: each is downloaded from the app's storage
 * (https, any public host, no credentials, bounded), decrypted (AES-CTR, the key's length choosing
 * AES-128/192/256, and an all-zero initial counter block, as every known implementation does; the
 * Acrobits page names the mode only), checked against its CRC-32, typed by its bytes, and an image
 * over the provider's limits (its media rules: bytes per file and per message, accepted types) is
 * re-encoded as JPEG and scaled down until it fits. What cannot be made to fit is refused with a
 * sentence for the user.
 *
 * The bytes flow: downloaded, decrypted and summed piece by piece, and staged in the store a chunk
 * at a time under a new id before the message exists (it is stored only once every file is ready).
 * Only an image that must be re-encoded is read back whole, because sharp needs it at hand.
 */
import { createDecipheriv, type Decipher } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { MediaRules } from 'switchboard/internal/generated/provider.js';
import type { MediaConfig } from '../config/gateway-config.js';
import { CHUNK_BYTES, chunksOf, inChunks } from '../store/media-chunks.js';
import { newMediaId, type Chunk, type MediaStore, type StagedFile } from '../store/media-store.js';
import type { AppAttachment } from './app-document.js';
import { filenameFor } from './document.js';
import { download, DownloadFailure, wholeBody, type DownloadFault } from './download.js';
import { loadSharp, previewOf } from './inspect.js';
import { WRITE_BYTES } from './intake.js';
import { inspector, type Inspected } from './inspector.js';

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

/** The files, staged and ready; or why not, and whether it is the user's to fix (`local`) or the storage's. */
export type Prepared =
  | { readonly ok: true; readonly files: StagedFile[] }
  | { readonly ok: false; readonly message: string; readonly local: boolean };

type Refusal = Extract<Prepared, { ok: false }>;

/** Downloads, decrypts, checks and fits every attachment, staging each in `media`; a refusal leaves none staged. */
export async function prepareAppFiles(
  attachments: readonly AppAttachment[],
  rules: MediaRules | undefined,
  config: MediaConfig,
  media: MediaStore,
): Promise<Prepared> {
  // One budget for all the files together, so that several cannot add up past the app's patience.
  const deadline = Date.now() + Math.min(config.timeoutMs, APP_DOWNLOAD_MS);
  const files: StagedFile[] = [];
  const share = rules?.maxTotalBytes === undefined ? undefined : Math.floor(rules.maxTotalBytes / attachments.length);
  const maxBytes = Math.min(rules?.maxBytes ?? Infinity, share ?? Infinity);
  for (const [i, a] of attachments.entries()) {
    const left = deadline - Date.now();
    const made =
      left <= 0
        ? ({ ok: false, message: `attachment ${i + 1} could not be downloaded in time`, local: false } as const)
        : await prepareOne(a, i, media, { ...config, timeoutMs: left }, rules, maxBytes);
    if (!made.ok) {
      await Promise.all(files.map((f) => media.unstage(f.id)));
      return made;
    }
    files.push(made.file);
  }
  return { ok: true, files };
}

/** One attachment, staged as it arrives, then checked and fitted. */
async function prepareOne(
  a: AppAttachment,
  i: number,
  media: MediaStore,
  limits: MediaConfig,
  rules: MediaRules | undefined,
  maxBytes: number,
): Promise<{ ok: true; file: StagedFile } | Refusal> {
  const id = newMediaId();
  const staged = await stageDownload(a, id, media, limits);
  const refuse = async (message: string, local: boolean): Promise<Refusal> => {
    await media.unstage(id);
    return { ok: false, message: `attachment ${i + 1} ${message}`, local };
  };
  if (!staged.ok) return refuse(`could not be downloaded: ${staged.error}`, false);
  if (a.hash !== undefined && staged.crc !== a.hash) return refuse('is damaged: its hash does not match', true);
  const { contentType, size, preview } = staged;
  const filename = a.filename ?? filenameFor(i, contentType);
  if (size <= maxBytes && accepted(rules, contentType))
    return { ok: true, file: { id, contentType, size, filename, preview } };
  if (!contentType.startsWith('image/') || !accepted(rules, 'image/jpeg'))
    return refuse(
      accepted(rules, contentType)
        ? `has ${size} bytes; the provider takes at most ${maxBytes}`
        : `is ${contentType}; the provider takes ${rules?.contentTypes?.join(', ') ?? 'other types'}`,
      true,
    );
  // Re-encoding needs the image whole (sharp); it is read back from the store, bounded by media.maxBytes.
  const smaller = await shrink(await wholeBody(media.staged(id)), maxBytes);
  if (typeof smaller === 'string') return refuse(smaller, true);
  await media.unstage(id);
  await media.stage(
    id,
    chunksOf(smaller).map((bytes, n) => ({ n, bytes })),
  );
  const file = {
    id,
    contentType: 'image/jpeg',
    size: smaller.length,
    filename: a.filename ?? filenameFor(i, 'image/jpeg'),
  };
  return { ok: true, file: { ...file, preview: preview ?? (await previewOf(smaller, 'image/jpeg')) } };
}

/** Downloads, decrypts and stages one attachment piece by piece; its CRC-32 and what it is; or why not. */
async function stageDownload(
  a: AppAttachment,
  id: string,
  media: MediaStore,
  limits: MediaConfig,
): Promise<({ ok: true; crc: number } & Inspected) | DownloadFault> {
  const got = await download(a.url, { hosts: ['*'], redirectHosts: [], authorization: undefined }, limits);
  if (!got.ok) return got;
  const look = inspector(a.contentType);
  let crc = 0;
  let held: Chunk[] = [];
  try {
    const decipher = a.key === undefined ? undefined : decipherOf(a.key);
    let n = 0;
    for await (const bytes of inChunks(decrypted(got.body, decipher))) {
      crc = crc32(bytes, crc);
      await look.add(bytes);
      held.push({ n: n++, bytes });
      // Staged a write's worth at a time (intake.ts), so a picture costs one commit.
      if (held.length * CHUNK_BYTES >= WRITE_BYTES) {
        await media.stage(id, held);
        held = [];
      }
    }
    if (held.length > 0) await media.stage(id, held);
  } catch (error) {
    if (error instanceof DownloadFailure) return error.fault;
    throw error;
  }
  return { ok: true, crc, ...(await look.end()) };
}

/** AES-CTR with an all-zero initial counter block; the key's length picks the AES variant. */
function decipherOf(key: Buffer): Decipher {
  return createDecipheriv(`aes-${key.length * 8}-ctr`, key, Buffer.alloc(16, 0));
}

/** `body` decrypted as it goes by (CTR is a stream cipher: each piece decrypts alone), or as is without a key. */
async function* decrypted(body: AsyncIterable<Buffer>, decipher: Decipher | undefined): AsyncGenerator<Buffer> {
  for await (const piece of body) yield decipher === undefined ? piece : decipher.update(piece);
  const tail = decipher?.final();
  if (tail !== undefined && tail.length > 0) yield tail;
}

function accepted(rules: MediaRules | undefined, type: string): boolean {
  const types = rules?.contentTypes;
  if (types === undefined) return true;
  return types.some((t) => (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : t === type));
}

/** An image re-encoded as JPEG, scaled down until it fits `maxBytes`; else why it cannot. */
async function shrink(bytes: Buffer, maxBytes: number): Promise<Buffer | string> {
  const sharp = await loadSharp();
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
    if (smaller.length <= maxBytes) return smaller;
  }
  return `is an image that stays over ${maxBytes} bytes however small it is made`;
}
