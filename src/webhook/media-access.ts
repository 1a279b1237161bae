/**
 * How the media URLs of inbound messages are fetched, as the provider file describes it
 * (`webhooks.mediaAccess`): which hosts a URL and its redirects may name, which of them get the
 * account's credentials, and how long the URLs work. A downloader asks `request` before every hop,
 * so credentials never follow a redirect to another origin and no hop leaves the declared hosts.
 */
import type { Account } from '../config/account.js';
import type { MediaAccess } from '../generated/provider.js';
import type { Provider } from '../provider/compile-provider.js';
import { basicAuthorization } from '../connector/render-request.js';
import { compileTemplate } from '../template/compile.js';
import { renderTemplate } from '../template/render.js';

/** What to do for one hop of a media download. */
export type MediaRequest =
  | {
      readonly ok: true;
      readonly url: string;
      /** Headers to send: `authorization` only where the credentials may go. */
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly ok: false; readonly reason: string };

/** A provider's media access, ready for one account. */
export interface WebhookMediaAccess {
  /** none, or basic: the account's credentials go to `hosts` (never after a redirect to another origin). */
  readonly auth: 'none' | 'basic';
  /** Host patterns a media URL may name (`api.example.com`, `*.example.com`, `*` for any public host). */
  readonly hosts: readonly string[];
  /** Host patterns a redirect may lead to besides `hosts`; fetched without credentials. */
  readonly redirectHosts: readonly string[];
  /** How long a URL works: until-deleted, seconds, or unknown (copy it at once). */
  readonly lifetime: MediaAccess['lifetime'];
  /**
   * Whether `url` may be fetched and with which headers; `redirectedFrom` is the URL whose answer
   * redirected here. The caller still refuses private and loopback addresses a host resolves to.
   */
  request(url: string, redirectedFrom?: string): MediaRequest;
}

/** Options of {@link webhookMediaAccess}. */
export interface MediaAccessOptions {
  /**
   * Host patterns treated as the provider's own (`127.0.0.1` for a test server standing in for
   * the provider, as `origin` does for sending); plain http is taken only on loopback hosts.
   */
  readonly extraHosts?: readonly string[];
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * How `provider` says its inbound media URLs are fetched, for `account`; undefined when the
 * provider file says nothing (its media URLs are then not to be fetched).
 * @example
 * const access = webhookMediaAccess(provider, account);
 * const hop = access?.request(event.media[0].url);
 * if (hop?.ok) await fetch(hop.url, { headers: hop.headers, redirect: 'manual' });
 */
export function webhookMediaAccess(
  provider: Provider,
  account: Account,
  options: MediaAccessOptions = {},
): WebhookMediaAccess | undefined {
  const spec = provider.definition.webhooks?.mediaAccess;
  if (spec === undefined) return undefined;
  const own = [...spec.hosts, ...(options.extraHosts ?? [])];
  const redirects = [...own, ...(spec.redirectHosts ?? [])];
  const authorization = spec.auth.type === 'basic' ? credentials(spec.auth, provider, account) : undefined;
  return {
    auth: spec.auth.type,
    hosts: spec.hosts,
    redirectHosts: spec.redirectHosts ?? [],
    lifetime: spec.lifetime,
    request(url, redirectedFrom) {
      const parsed = parse(url);
      if (typeof parsed === 'string') return { ok: false, reason: parsed };
      const host = parsed.hostname.toLowerCase();
      const allowed = redirectedFrom === undefined ? own : redirects;
      if (!allowed.some((pattern) => hostMatches(pattern, host)))
        return {
          ok: false,
          reason: `${host} is not a media host of ${provider.id} (${redirectedFrom === undefined ? 'hosts' : 'hosts or redirectHosts'}: ${allowed.join(', ')})`,
        };
      // Credentials go to the provider's own hosts, and after a redirect only to the same origin.
      const mayAuthorize =
        authorization !== undefined &&
        own.some((pattern) => pattern !== '*' && hostMatches(pattern, host)) &&
        (redirectedFrom === undefined || sameOrigin(redirectedFrom, parsed));
      return { ok: true, url: parsed.href, headers: mayAuthorize ? { authorization } : {} };
    },
  };
}

/**
 * The `Authorization` header value a media download sends to the provider's own `hosts`, or
 * undefined when its media URLs need no credentials (or the provider file says nothing).
 */
export function mediaAuthorization(provider: Provider, account: Account): string | undefined {
  const auth = provider.definition.webhooks?.mediaAccess?.auth;
  return auth?.type === 'basic' ? credentials(auth, provider, account) : undefined;
}

function credentials(
  auth: Extract<MediaAccess['auth'], { type: 'basic' }>,
  provider: Provider,
  account: Account,
): string {
  const known = { params: [], accountKeys: Object.keys(provider.parameters), secrets: new Set<string>() };
  const scope = { params: {}, account: account.values };
  const value = (text: string) => renderTemplate(compileTemplate(text, 'raw', known).template, scope);
  return basicAuthorization(value(auth.username), value(auth.password));
}

function parse(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  if (parsed.username !== '' || parsed.password !== '') return 'a media URL cannot carry credentials of its own';
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname)) return parsed;
  return `a media URL must be https://, not ${parsed.protocol}//${parsed.host}`;
}

/** `*` is any host; `*.example.com` any host under example.com; otherwise the host itself. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

function sameOrigin(previous: string, next: URL): boolean {
  try {
    return new URL(previous).origin === next.origin;
  } catch {
    return false;
  }
}
