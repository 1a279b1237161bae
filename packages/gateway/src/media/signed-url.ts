/**
 * Media URLs the app downloads without credentials: `<publicUrl>/media/<id>/<signature>`, where
 * the id is 128 random bits and the signature an HMAC-SHA256 of the id under a key kept in the
 * database (every process signs and checks alike). They never expire: the app keeps the URL in the
 * message and may download again months later; a file lives as long as its message is kept.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The path under which media is served. */
export const MEDIA_PATH = '/media';

/** The signature of media `id` under `key` (128 bits, base64url). */
export function signatureOf(key: string, id: string): string {
  return createHmac('sha256', key).update(id).digest().subarray(0, 16).toString('base64url');
}

/** The public URL of media `id`. */
export function mediaUrl(publicUrl: string, key: string, id: string): string {
  return `${publicUrl}${MEDIA_PATH}/${id}/${signatureOf(key, id)}`;
}

/** Whether `signature` is the signature of `id`, compared in constant time. */
export function validSignature(key: string, id: string, signature: string): boolean {
  const expected = Buffer.from(signatureOf(key, id));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
