/**
 * Constant-time comparisons. Secrets and signatures are compared with crypto.timingSafeEqual on
 * buffers of equal length: signatures by their decoded bytes (a length mismatch is told apart only
 * by length, which is public), secrets through SHA-256 so their length leaks nothing either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether two byte strings are equal, in time that depends only on their lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether two secrets are equal, in time independent of both. */
export function secretEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}
