/**
 * API keys: `sbk_<id>_<secret>`. The id finds the key's entry in gateway.json; the secret is kept
 * there only as a salted scrypt hash, as users' passwords are. scrypt costs tens of milliseconds
 * by design, so a key once verified is remembered by the SHA-256 of the whole key (the secret has
 * 256 bits, so its digest reveals nothing usable) and later requests cost a hash lookup.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { GatewayApiKey } from 'switchboard/internal/generated/gateway.js';
import { createLoginLimiter, type LoginLimitOptions } from '../app/login-limiter.js';
import { hashPassword, verifyPassword } from '../config/password.js';

/** One API key, its defaults filled in. */
export interface ApiKeyConfig {
  readonly id: string;
  readonly hash: string;
  /** The numbers it sends from and reads. */
  readonly numbers: readonly string[];
  /** The provider accounts it may send through; undefined: any. */
  readonly accounts: readonly string[] | undefined;
  /** Token bucket: `requests` at once, refilled at `requests` per `perSeconds`. */
  readonly rateLimit: { readonly requests: number; readonly perSeconds: number };
}

/** The default rate limit of a key. */
export const DEFAULT_KEY_RATE = { requests: 20, perSeconds: 1 } as const;

/** A key entry of gateway.json with its defaults. */
export function resolveApiKey(entry: GatewayApiKey): ApiKeyConfig {
  return {
    id: entry.id,
    hash: entry.hash,
    numbers: entry.numbers,
    accounts: entry.accounts,
    rateLimit: {
      requests: entry.rateLimit?.requests ?? DEFAULT_KEY_RATE.requests,
      perSeconds: entry.rateLimit?.perSeconds ?? DEFAULT_KEY_RATE.perSeconds,
    },
  };
}

const KEY = /^sbk_([a-z0-9][a-z0-9-]{0,39})_([A-Za-z0-9_-]{20,100})$/;

/**
 * Makes a new key for `id`: the key to hand over (once) and the hash to store.
 * @example const { key, hash } = await newApiKey('billing'); // key: sbk_billing_…
 */
export async function newApiKey(id: string): Promise<{ key: string; hash: string }> {
  const secret = randomBytes(32).toString('base64url');
  return { key: `sbk_${id}_${secret}`, hash: await hashPassword(secret) };
}

/** What authenticating a request found: its key, none, or a wait (too many failures lately). */
export type KeyCheck = { readonly key: ApiKeyConfig } | { readonly retryAfterSeconds: number } | undefined;

/** Finds the key a request's Authorization header names, for a client at `address`. */
export type KeyAuthenticator = (authorization: string | undefined, address: string) => Promise<KeyCheck>;

/**
 * Authenticates `Authorization: Bearer sbk_…` against `keys`. Wrong secrets for a key id, or from
 * one address, are limited as failed logins are (app/login-limiter.ts), so nobody can make the
 * gateway run scrypt without end; a key verified once is found by its digest without scrypt, so
 * its own requests never wait behind someone's guesses. Concurrent first uses share one scrypt.
 */
export function createKeyAuthenticator(
  keys: readonly ApiKeyConfig[],
  options: LoginLimitOptions = {},
): KeyAuthenticator {
  const byId = new Map(keys.map((k) => [k.id, k]));
  const verified = new Map<string, ApiKeyConfig>();
  const inFlight = new Map<string, Promise<boolean>>();
  const limiter = createLoginLimiter(options);
  return async (authorization, address) => {
    const match = /^Bearer +(\S+)$/i.exec(authorization ?? '');
    const parts = KEY.exec(match?.[1] ?? '');
    if (match === null || parts === null) return undefined;
    const digest = createHash('sha256')
      .update(match[1] as string)
      .digest('base64');
    const known = verified.get(digest);
    if (known !== undefined) return { key: known };
    const key = byId.get(parts[1] as string);
    if (key === undefined) return undefined;
    let verifying = inFlight.get(digest);
    if (verifying === undefined) {
      const limits = [
        { id: `key\0${key.id}`, burst: 0 },
        { id: `ip\0${address}`, burst: 16 },
      ];
      const waitMs = limiter.waitFor(limits, Date.now());
      if (waitMs > 0) return { retryAfterSeconds: Math.ceil(waitMs / 1000) };
      limiter.begin(limits, Date.now());
      verifying = verifyPassword(parts[2] as string, key.hash);
      inFlight.set(digest, verifying);
      void verifying
        .catch(() => false)
        .then((ok) => {
          inFlight.delete(digest);
          limiter.end(limits, !ok, Date.now());
        });
    }
    if (!(await verifying)) return undefined;
    verified.set(digest, key);
    return { key };
  };
}
