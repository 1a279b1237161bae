/**
 * The demo provider's own picture, made at start with node:zlib alone: a small PNG (a colour
 * gradient) that the demo serves as an inbound attachment, and the same bytes AES-128-CTR encrypted
 * as an Acrobits app leaves a file on its storage before a file-transfer Send. The engine needs no
 * image library for this; only the gateway decodes pictures (for previews).
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** The demo's picture: the PNG, and its encrypted copy with what the app's document says of it. */
export interface DemoPicture {
  /** The PNG itself. */
  readonly png: Buffer;
  /** The PNG encrypted with AES-128-CTR under `key`, the counter starting at zero (as the app does). */
  readonly encrypted: Buffer;
  /** The key, 32 hex digits in upper case, as the file-transfer document's `encryption-key`. */
  readonly key: string;
  /** The CRC-32 of the PNG in decimal, as the document's `hash`. */
  readonly hash: string;
}

/**
 * Draws a `width` × `height` gradient PNG and encrypts a copy with a fresh key.
 * @example const { png, encrypted, key } = demoPicture(96, 64);
 */
export function demoPicture(width = 96, height = 64): DemoPicture {
  const png = gradientPng(width, height);
  const key = randomBytes(16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16, 0));
  const encrypted = Buffer.concat([cipher.update(png), cipher.final()]);
  return { png, encrypted, key: key.toString('hex').toUpperCase(), hash: String(crc32(png)) };
}

function gradientPng(width: number, height: number): Buffer {
  // Each row: filter byte 0, then RGB pixels.
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const at = row + 1 + x * 3;
      raw[at] = Math.round((255 * x) / Math.max(1, width - 1));
      raw[at + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      raw[at + 2] = 160;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, truecolour, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
