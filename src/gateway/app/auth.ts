/**
 * Checks the app's credentials on every call. scrypt is slow on purpose, and apps poll, so a
 * login that verified is remembered for a while as a keyed digest (never the password) in
 * memory. Failures are counted per address and per login; past a few, answers to that address or
 * login are slowed down, doubling up to a bound, so guessing is slow and one attacker cannot lock
 * a user out (a right password is still accepted, only later). Concurrent checks of the same login
 * and password (many devices of one user logging in at once) share one in-flight verification,
 * so a burst of first logins costs one scrypt instead of one each.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { verifyPassword } from '../config/password.js';

/** What the checker tells the caller. */
export type AuthOutcome =
  { readonly ok: true; readonly user: GatewayUserConfig } | { readonly ok: false; readonly delayedMs: number };

/** Options with defaults. */
export interface AuthOptions {
  /** Failures in the window before slowing down. Default 5. */
  readonly freeFailures?: number;
  /** The window failures are counted in, ms. Default 60 s. */
  readonly windowMs?: number;
  /** The first delay, ms; it doubles with each further failure. Default 250. */
  readonly baseDelayMs?: number;
  /** Longest delay, ms. Default 8 s. */
  readonly maxDelayMs?: number;
  /** How long a verified password is remembered, ms. Default 10 min. */
  readonly rememberMs?: number;
}

/** A credential checker over the configured users. */
export interface Authenticator {
  check(login: string, password: string, address: string): Promise<AuthOutcome>;
}

/** Creates the checker. */
export function createAuthenticator(users: readonly GatewayUserConfig[], options: AuthOptions = {}): Authenticator {
  const byLogin = new Map(users.map((u) => [u.login, u]));
  const free = options.freeFailures ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const maxDelay = options.maxDelayMs ?? 8_000;
  const baseDelay = options.baseDelayMs ?? 250;
  const rememberMs = options.rememberMs ?? 600_000;
  const key = randomBytes(32);
  const remembered = new Map<string, { digest: string; until: number }>();
  const failures = new Map<string, { count: number; since: number }>();
  /** Verifications under way, by digest of login and password, so concurrent checks share one. */
  const inFlight = new Map<string, Promise<boolean>>();
  const verifyOnce = (digest: string, password: string, hash: string) => {
    let pending = inFlight.get(digest);
    if (pending === undefined) {
      pending = verifyPassword(password, hash).finally(() => inFlight.delete(digest));
      inFlight.set(digest, pending);
    }
    return pending;
  };
  const digestOf = (login: string, password: string) =>
    createHmac('sha256', key).update(login).update('\0').update(password).digest('base64');

  const countOf = (k: string, now: number) => {
    const f = failures.get(k);
    return f === undefined || now - f.since > windowMs ? 0 : f.count;
  };
  const fail = (k: string, now: number) => {
    const f = failures.get(k);
    if (f === undefined || now - f.since > windowMs) failures.set(k, { count: 1, since: now });
    else f.count++;
    if (failures.size > 10_000) prune(failures, now, windowMs);
  };

  return {
    async check(login, password, address) {
      const now = Date.now();
      const keys = [`ip:${address}`, `login:${login}`];
      const over = Math.max(...keys.map((k) => countOf(k, now))) - free;
      const delayedMs = over < 0 ? 0 : Math.min(maxDelay, baseDelay * 2 ** over);
      if (delayedMs > 0) await sleep(delayedMs);
      const user = byLogin.get(login);
      const digest = digestOf(login, password);
      const memo = remembered.get(login);
      if (user !== undefined && memo !== undefined && memo.until > now && memo.digest === digest)
        return { ok: true, user };
      // An unknown login costs a verification too, so timing does not tell which logins exist.
      const hash = user?.passwordHash ?? DUMMY_HASH;
      const ok = (await verifyOnce(digest, password, hash)) && user !== undefined;
      if (ok) {
        remembered.set(login, { digest, until: now + rememberMs });
        return { ok: true, user };
      }
      for (const k of keys) fail(k, Date.now());
      return { ok: false, delayedMs };
    },
  };
}

/** A valid hash of a random password, checked against for unknown logins. */
const DUMMY_HASH = 'scrypt$32768$8$1$c3dpdGNoYm9hcmQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function prune(failures: Map<string, { count: number; since: number }>, now: number, windowMs: number): void {
  for (const [k, f] of failures) if (now - f.since > windowMs) failures.delete(k);
}
