/**
 * Passwords of gateway users, stored only as salted scrypt hashes in a self-describing string,
 * `scrypt$N$r$p$salt$hash` (salt and hash in base64), so the cost can be raised later without
 * breaking stored hashes. Verification is asynchronous (scrypt runs off the event loop) and
 * compares in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Today's cost: N = 2^15 takes about 50–100 ms and 32 MiB, OWASP's minimum for scrypt. */
const DEFAULT = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

let derivations = 0;

/** How many scrypt derivations this process has started (hashes and verifications); tests count them. */
export function scryptRuns(): number {
  return derivations;
}

function derive(password: string, salt: Buffer, options: ScryptOptions, bytes: number): Promise<Buffer> {
  derivations++;
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; allow twice that.
    const maxmem = 256 * (options.N ?? DEFAULT.N) * (options.r ?? DEFAULT.r);
    scrypt(password, salt, bytes, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Hashes a password for the `passwordHash` of a gateway user.
 * @example const hash = await hashPassword('correct horse'); // scrypt$32768$8$1$…$…
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT, KEY_BYTES);
  return ['scrypt', DEFAULT.N, DEFAULT.r, DEFAULT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** A parsed hash, or undefined when the text is not one this gateway can check. */
function parseHash(text: string): { options: ScryptOptions; salt: Buffer; key: Buffer } | undefined {
  const [scheme, n, r, p, salt, key, ...rest] = text.split('$');
  if (scheme !== 'scrypt' || rest.length > 0 || salt === undefined || key === undefined) return undefined;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (![N, R, P].every((v) => Number.isInteger(v) && v > 0) || (N & (N - 1)) !== 0) return undefined;
  return { options: { N, r: R, p: P }, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

/** Whether `hash` is a well-formed hash (so a config with a broken one fails at load). */
export function isPasswordHash(hash: string): boolean {
  const parsed = parseHash(hash);
  return parsed !== undefined && parsed.key.length >= 16 && parsed.salt.length >= 8;
}

/** Whether `password` matches `hash`; false for a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (parsed === undefined) return false;
  const key = await derive(password, parsed.salt, parsed.options, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}
