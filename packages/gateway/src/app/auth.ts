/**
 * Checks the app's credentials on every call. scrypt is slow on purpose, and apps poll, so a
 * login that verified is remembered for a while as a keyed digest (never the password) in
 * memory, and a remembered right password is accepted at once, before any limit: a user whose
 * login is under attack still gets her own Fetch. Anything else is limited per login and per
 * client address, an IPv6 client by its /64 (address-key.ts; login-limiter.ts): past a few failures in a window, checks are refused with the
 * time to wait, without running scrypt. Concurrent checks of the same login and password (many
 * devices of one user logging in at once) share one in-flight verification, so a burst of first
 * logins costs one scrypt and counts as one check. Where gateway processes share a database, the
 * failures are also counted there (store/login-failures.ts), so the limit holds across all of them;
 * checks under way are counted per process.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { verifyPassword } from '../config/password.js';
import type { FailureLedger } from '../store/login-failures.js';
import { addressKey } from './address-key.js';
import { createLoginLimiter, type LimitKey, type LoginLimiter, type LoginLimitOptions } from './login-limiter.js';

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

/** Creates the checker; with `shared`, failures count for every process that shares it. */
export function createAuthenticator(
  users: readonly GatewayUserConfig[],
  options: AuthOptions = {},
  shared?: FailureLedger,
): Authenticator {
  const byLogin = new Map(users.map((u) => [u.login, u]));
  const rememberMs = options.rememberMs ?? 600_000;
  const addressBurst = options.addressBurst ?? 16;
  const limiter = createLoginLimiter(options);
  const pruned = { last: 0 };
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
      // Digests: the keys have one size whatever a client sends as a login, and every process
      // that shares the failures computes the same ones.
      const keys = [
        { id: limitKey('ip', addressKey(address)), burst: addressBurst },
        { id: limitKey('login', login), burst: 0 },
      ];
      // Without a shared ledger nothing is awaited: concurrent checks then begin in the order they came.
      const sharedWaitMs = shared === undefined ? 0 : await ledgerWait(shared, limiter, keys, now);
      const id = digest.toString('base64');
      const joined = inFlight.get(id);
      if (joined !== undefined) return outcomeOf(user, await joined);
      const waitMs = Math.max(sharedWaitMs, limiter.waitFor(keys, Date.now()));
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
      if (!ok) await ledgerAdd(shared, limiter, keys, pruned);
      if (ok) remembered.set(login, { digest, until: Date.now() + rememberMs });
      return outcomeOf(user, ok);
    },
    get tracked() {
      return limiter.size;
    },
  };
}

/** The digest a limit key is kept under, locally and in the shared ledger. */
function limitKey(kind: string, value: string): string {
  return createHash('sha256').update(`switchboard login limit\0${kind}\0${value}`).digest('base64');
}

/**
 * How long, in ms, the shared ledger says `keys` must wait; 0 when none is at the limit. A database
 * that does not answer leaves the per-process limit alone in force, rather than refusing every
 * login (the gateway's own queries then fail and /readyz says so).
 */
async function ledgerWait(
  ledger: FailureLedger,
  limiter: LoginLimiter,
  keys: readonly LimitKey[],
  now: number,
): Promise<number> {
  const counts = await ledger
    .read(
      keys.map((k) => k.id),
      now - limiter.windowMs,
    )
    .catch(() => new Map<string, never>());
  let wait = 0;
  for (const { failures, since } of counts.values())
    if (failures >= limiter.maxFailures) wait = Math.max(wait, since + limiter.windowMs - now, 1);
  return wait;
}

/** Counts a failure of `keys` in the shared ledger, and forgets ended windows once per window. */
async function ledgerAdd(
  ledger: FailureLedger | undefined,
  limiter: LoginLimiter,
  keys: readonly LimitKey[],
  pruned: { last: number },
) {
  if (ledger === undefined) return;
  const now = Date.now();
  const ended = now - limiter.windowMs;
  await ledger
    .add(
      keys.map((k) => k.id),
      now,
      ended,
    )
    .catch(() => undefined);
  if (now - pruned.last < limiter.windowMs) return;
  pruned.last = now;
  await ledger.prune(ended).catch(() => undefined);
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
