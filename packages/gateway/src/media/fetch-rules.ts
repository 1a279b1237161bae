/**
 * Where and how the media URLs of one provider account are downloaded, from its provider file's
 * `webhooks.mediaAccess` (DESIGN §11, read by the engine's media-access.ts): the hosts its URLs may
 * name, the hosts they may redirect to (a CDN), and the account's credentials for the first hop.
 * Without that block, media comes only from the hosts of the provider's own service URLs, without
 * credentials: nothing a provider file does not vouch for is ever fetched.
 */
import type { Account } from 'switchboard/internal/config/account.js';
import type { Provider } from 'switchboard/internal/provider/compile-provider.js';
import { renderTemplate } from 'switchboard/internal/template/render.js';
import { mediaAuthorization } from 'switchboard/internal/webhook/media-access.js';

/** How one account's media URLs are fetched. */
export interface MediaFetchRules {
  /** Hosts a media URL may name; credentials go only to these. */
  readonly hosts: readonly string[];
  /** Hosts a media URL may redirect to, fetched without credentials. */
  readonly redirectHosts: readonly string[];
  /** The `Authorization` of the first request (and of redirects on its own host), or none. */
  readonly authorization: string | undefined;
}

/** The rules for `account` of `provider`. */
export function mediaFetchRules(provider: Provider, account: Account): MediaFetchRules {
  const spec = provider.definition.webhooks?.mediaAccess;
  if (spec === undefined)
    return { hosts: serviceHosts(provider, account), redirectHosts: [], authorization: undefined };
  return {
    hosts: spec.hosts,
    redirectHosts: spec.redirectHosts ?? [],
    authorization: mediaAuthorization(provider, account),
  };
}

/**
 * Whether `host` (lower case, no port) is one of `patterns` (`*.example.com` takes any subdomain;
 * `*`, never in a provider file, any host: an app's own storage, which the address guard still bounds).
 */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return patterns.some((p) => p === '*' || (p.startsWith('*.') ? name.endsWith(p.slice(1)) : name === p));
}

function serviceHosts(provider: Provider, account: Account): string[] {
  const hosts = new Set<string>();
  for (const service of Object.values(provider.services)) {
    try {
      hosts.add(new URL(renderTemplate(service.url, { params: {}, account: account.values })).hostname);
    } catch {
      // A URL that needs a message's parameters to render names no fixed host: it vouches for none.
    }
  }
  return [...hosts];
}
