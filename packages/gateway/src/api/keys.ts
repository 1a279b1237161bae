/**
 * API keys: `sbk_<id>_<secret>`. The id finds the key's entry in gateway.json; the secret is kept
 * there only as a salted scrypt hash, as users' passwords are. scrypt costs tens of milliseconds
 * by design, so a key once verified is remembered by the SHA-256 of the whole key (the secret has
 * 256 bits, so its digest reveals nothing usable) and later requests cost a hash lookup.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { GatewayApiKey } from 'switchboard/internal/generated/gateway.js';
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

/** Finds the key a request's Authorization header names; undefined when none matches. */
export type KeyAuthenticator = (authorization: string | undefined) => Promise<ApiKeyConfig | undefined>;

/** Authenticates `Authorization: Bearer sbk_…` against `keys`. */
export function createKeyAuthenticator(keys: readonly ApiKeyConfig[]): KeyAuthenticator {
  const byId = new Map(keys.map((k) => [k.id, k]));
  const verified = new Map<string, ApiKeyConfig>();
  return async (authorization) => {
    const match = /^Bearer +(\S+)$/i.exec(authorization ?? '');
    const parts = KEY.exec(match?.[1] ?? '');
    if (match === null || parts === null) return undefined;
    const digest = createHash('sha256')
      .update(match[1] as string)
      .digest('base64');
    const known = verified.get(digest);
    if (known !== undefined) return known;
    const key = byId.get(parts[1] as string);
    if (key === undefined || !(await verifyPassword(parts[2] as string, key.hash))) return undefined;
    verified.set(digest, key);
    return key;
  };
}
