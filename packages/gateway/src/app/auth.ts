/**
 * Checks the app's credentials on every call. scrypt is slow on purpose, and apps poll, so a
 * login that verified is remembered for a while as a keyed digest (never the password) in
 * memory, and a remembered right password is accepted at once, before any limit: a user whose
 * login is under attack still gets her own Fetch. Anything else is limited per login and per
 * client address, an IPv6 client by its /64 (address-key.ts; login-limiter.ts): past a few failures in a window, checks are refused with the
 * time to wait, without running scrypt. Concurrent checks of the same login and password (many
 * devices of one user logging in at once) share one in-flight verification, so a burst of first
 * logins costs one scrypt and counts as one check.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { verifyPassword } from '../config/password.js';
import { addressKey } from './address-key.js';
import { createLoginLimiter, type LoginLimitOptions } from './login-limiter.js';

/** The longest login a user may have (schemas/gateway.schema.json) and a request may carry. */
export const MAX_LOGIN_LENGTH = 64;

/** What the checker tells the caller. */
export type AuthOutcome =
  | { readonly ok: true; readonly user: GatewayUserConfig }
  | { readonly ok: false; readonly limited: false }
  /** Too many failures for this login or address: refused unchecked; try again in `retryAfterSeconds`. */
  | { readonly ok: false; readonly limited: true; readonly retryAfterSeconds: number };

/** Options with defaults: the failure limit's, and how long a verified password is remembered. */
export interface AuthOptions extends LoginLimitOptions {
  /** How long a verified password is remembered, ms. Default 10 min. */
  readonly rememberMs?: number;
  /**
   * Checks from one address that may be under way at once beyond `maxFailures`: users behind one
   * NAT or proxy log in together when the gateway restarts. Default 16. A login has none.
   */
  readonly addressBurst?: number;
}

/** A credential checker over the configured users. */
export interface Authenticator {
  check(login: string, password: string, address: string): Promise<AuthOutcome>;
  /** How many logins and addresses the failure table holds now (it is bounded). */
  readonly tracked: number;
}

/** Creates the checker. */
export function createAuthenticator(users: readonly GatewayUserConfig[], options: AuthOptions = {}): Authenticator {
  const byLogin = new Map(users.map((u) => [u.login, u]));
  const rememberMs = options.rememberMs ?? 600_000;
  const addressBurst = options.addressBurst ?? 16;
  const limiter = createLoginLimiter(options);
  const key = randomBytes(32);
  const remembered = new Map<string, { digest: Buffer; until: number }>();
  /** Verifications under way, by digest of login and password, so concurrent checks share one. */
  const inFlight = new Map<string, Promise<boolean>>();
  const mac = (...parts: string[]) => {
    const hmac = createHmac('sha256', key);
    for (const part of parts) hmac.update(part).update('\0');
    return hmac.digest();
  };

  return {
    async check(login, password, address) {
      const now = Date.now();
      const user = byLogin.get(login);
      const digest = mac('pw', login, password);
      const memo = remembered.get(login);
      if (user !== undefined && memo !== undefined && memo.until > now && timingSafeEqual(memo.digest, digest))
        return { ok: true, user };
      const id = digest.toString('base64');
      const shared = inFlight.get(id);
      if (shared !== undefined) return outcomeOf(user, await shared);
      // Keyed digests: the table's keys have one size whatever a client sends as a login.
      const keys = [
        { id: mac('ip', addressKey(address)).toString('base64'), burst: addressBurst },
        { id: mac('login', login).toString('base64'), burst: 0 },
      ];
      const waitMs = limiter.waitFor(keys, now);
      if (waitMs > 0) return { ok: false, limited: true, retryAfterSeconds: Math.ceil(waitMs / 1000) };
      limiter.begin(keys, now);
      // An unknown login costs a verification too, so timing does not tell which logins exist.
      const verifying = verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      inFlight.set(id, verifying);
      let ok = false;
      try {
        ok = (await verifying) && user !== undefined;
      } finally {
        inFlight.delete(id);
        limiter.end(keys, !ok, Date.now());
      }
      if (ok) remembered.set(login, { digest, until: Date.now() + rememberMs });
      return outcomeOf(user, ok);
    },
    get tracked() {
      return limiter.size;
    },
  };
}

function outcomeOf(user: GatewayUserConfig | undefined, ok: boolean): AuthOutcome {
  return ok && user !== undefined ? { ok: true, user } : { ok: false, limited: false };
}

/** `login` cut for a log line: a client chooses it, so its length is bounded here too. */
export function loginForLog(login: string): string {
  const points = [...login];
  return points.length <= 32 ? login : `${points.slice(0, 32).join('')}…`;
}

/** A valid hash of a random password, checked against for unknown logins. */
const DUMMY_HASH = 'scrypt$32768$8$1$c3dpdGNoYm9hcmQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
