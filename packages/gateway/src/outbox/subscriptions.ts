/**
 * Subscriptions of the user's application (gateway.json `subscriptions`): loaded once, with every
 * default filled in and the secret decoded, and the one place that says which subscriptions an
 * event of a message goes to. A secret's value never appears in an issue or a log line.
 */
import type { ConfigIssue } from 'switchboard/internal/errors.js';
import type { GatewayFile } from 'switchboard/internal/generated/gateway.js';

/** The events a subscription may ask for. */
export type OutboxEventType = 'message.received' | 'message.status';

/** One subscription, every default resolved. */
export interface Subscription {
  /** Unique; deliveries are stored under it. */
  readonly name: string;
  readonly url: string;
  readonly events: ReadonlySet<OutboxEventType>;
  /** The HMAC key: the bytes the `whsec_` secret's base64 holds. */
  readonly key: Buffer;
  /** Logins whose messages it receives; undefined with `numbers` undefined: every message. */
  readonly users: ReadonlySet<string> | undefined;
  readonly numbers: ReadonlySet<string> | undefined;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly retry: { readonly initialDelayMs: number; readonly maxDelayMs: number; readonly giveUpAfterMs: number };
}

/** The defaults of a subscription, in one place. */
export const SUBSCRIPTION_DEFAULTS = {
  timeoutMs: 10_000,
  concurrency: 4,
  initialDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  giveUpAfterMs: 86_400_000,
} as const;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The subscriptions of a schema-valid gateway file; problems a schema cannot see (a secret of the
 * wrong length, a missing environment variable, a plain-http URL, a name used twice) go to `issues`.
 */
export function subscriptionsOf(
  file: GatewayFile,
  env: NodeJS.ProcessEnv,
  label: string,
  issues: ConfigIssue[],
): Subscription[] {
  const names = new Set<string>();
  const logins = new Set(file.users.map((u) => u.login));
  return (file.subscriptions ?? []).map((s, i) => {
    const at = (where: string, message: string, code = 'GATEWAY_INVALID') =>
      issues.push({ file: label, pointer: `/subscriptions/${i}${where}`, message, code });
    const url = URL.parse(s.url);
    // Without a name, the URL names it in logs and metrics: never with its query or credentials.
    const name = s.name ?? (url === null ? s.url : `${url.origin}${url.pathname}`);
    if (names.has(name)) at(s.name === undefined ? '/url' : '/name', `names the subscription "${name}" twice`);
    names.add(name);
    if (url === null) at('/url', 'is not a URL');
    else if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname) && s.allowHttp !== true)
      at('/url', 'must be https:// (events carry message texts), or set "allowHttp": true for a private network');
    for (const [j, login] of (s.users ?? []).entries())
      if (!logins.has(login)) at(`/users/${j}`, `names "${login}", who is not a user of this gateway`);
    return {
      name,
      url: s.url,
      events: new Set(s.events),
      key: keyOf(s.secret, env, (message, code) => at('/secret', message, code)),
      users: s.users === undefined ? undefined : new Set(s.users),
      numbers: s.numbers === undefined ? undefined : new Set(s.numbers),
      timeoutMs: s.timeoutMs ?? SUBSCRIPTION_DEFAULTS.timeoutMs,
      concurrency: s.concurrency ?? SUBSCRIPTION_DEFAULTS.concurrency,
      retry: {
        initialDelayMs: s.retry?.initialDelayMs ?? SUBSCRIPTION_DEFAULTS.initialDelayMs,
        maxDelayMs: s.retry?.maxDelayMs ?? SUBSCRIPTION_DEFAULTS.maxDelayMs,
        giveUpAfterMs: s.retry?.giveUpAfterMs ?? SUBSCRIPTION_DEFAULTS.giveUpAfterMs,
      },
    };
  });
}

/** The HMAC key of a `whsec_` secret (24 to 64 bytes, as Standard Webhooks asks), read from `env` when so given. */
function keyOf(
  secret: string | { env: string },
  env: NodeJS.ProcessEnv,
  report: (message: string, code?: string) => void,
): Buffer {
  const text = typeof secret === 'string' ? secret : env[secret.env];
  if (text === undefined || text === '') {
    report(`reads environment variable ${(secret as { env: string }).env}, which is not set`, 'ACCOUNT_ENV_MISSING');
    return Buffer.alloc(0);
  }
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(text);
  const key = match?.[1] === undefined ? Buffer.alloc(0) : Buffer.from(match[1], 'base64');
  if (key.length < 24 || key.length > 64)
    report('must be whsec_ followed by the base64 of 24 to 64 random bytes (whsec_$(openssl rand -base64 32))');
  return key;
}

/** The subscriptions that want `type` for a message of `login` on the user's number `ownNumber`. */
export function subscribersOf(
  subscriptions: readonly Subscription[],
  type: OutboxEventType,
  login: string,
  ownNumber: string,
): Subscription[] {
  return subscriptions.filter(
    (s) =>
      s.events.has(type) &&
      ((s.users === undefined && s.numbers === undefined) ||
        s.users?.has(login) === true ||
        s.numbers?.has(ownNumber) === true),
  );
}
