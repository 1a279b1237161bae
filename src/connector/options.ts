/** Connector options and their defaults, resolved in one place. */
import type { Dispatcher } from 'undici';
import type { Limiter } from '../delivery/rate-limiter.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../delivery/retry.js';
import { lazyAgent } from '../http/lazy-agent.js';
import type { SuppressionStore } from '../suppression.js';

/** What a caller may set when creating a connector. */
export interface ConnectorOptions {
  /** An undici Dispatcher to send through (proxy, mock, custom TLS). Default: a keep-alive Agent owned by the connector. */
  dispatcher?: Dispatcher;
  /** Replace scheme, host and port of every URL, e.g. `http://127.0.0.1:8080` for a sandbox or a test server. */
  origin?: string;
  /**
   * Requests in flight at once through this connector, across all its calls, and the connections of
   * the pool it makes; more wait their turn, before their message's `beforeSend`. Default 8.
   */
  concurrency?: number;
  /**
   * Milliseconds for each whole exchange (waiting for a connection, sending, headers and the whole
   * body), unless the service sets its own; an answered auth challenge is a second exchange with its
   * own deadline. Default 10000.
   */
  timeout?: number;
  /** Largest response body read, in bytes; the rest is dropped. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Acrobits global parameters `%installid%` and `%appid%`. */
  globals?: { installid?: string; appid?: string };
  /** Keep each response (status, headers, body; secrets masked) in its result. Default false. */
  includeResponse?: boolean;
  /**
   * Retries of definite, retryable failures (and of ambiguous ones where the service is idempotent):
   * `false` for none, or the parts of the policy to change. Default 3 attempts, backoff from 500 ms
   * doubling to 30 s with full jitter (or the provider's Retry-After), at most 120 s in all.
   */
  retry?: false | Partial<RetryPolicy>;
  /**
   * Holds the provider's rate limits instead of the connector's own in-process limiter, e.g. one
   * shared through Redis by workers on several machines. Used only when the provider declares limits.
   */
  rateLimiter?: Limiter;
  /**
   * Base URL for per-message delivery reports, e.g. `https://gw.example.com/hooks/acme-main/status`.
   * Fills `%status_callback_url%` with this URL plus `sb=<message_id>` in its query, the key the
   * catalogue's webhook endpoints read our message id from; without it the placeholder is empty and
   * the field is left out (the provider then reports to the URL set in its console).
   */
  statusCallback?: string;
  /**
   * Opt-outs to honour: every message is checked against it first, and a recipient who opted out
   * of this account's sender (`from`) gets `RECIPIENT_OPTED_OUT` with no request; a provider answer
   * whose code the provider file declares `optedOut` is recorded in it. A rejection of its calls
   * rejects `sendMessage`. Default none.
   */
  suppression?: SuppressionStore;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly dispatcher: Dispatcher;
  readonly ownsDispatcher: boolean;
  readonly origin: string | undefined;
  readonly concurrency: number;
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly globals: { readonly installid: string; readonly appid: string };
  readonly includeResponse: boolean;
  readonly retry: RetryPolicy;
  /** The status callback URL with `sb=` last in its query, ready for the message id; undefined without one. */
  readonly statusCallbackPrefix: string | undefined;
}

/** Fills in defaults once; nothing downstream checks for undefined options again. */
export function resolveOptions(options: ConnectorOptions): ResolvedOptions {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const timeout = options.timeout ?? 10_000;
  const origin = options.origin === undefined ? undefined : normalizeOrigin(options.origin);
  return {
    dispatcher:
      options.dispatcher ?? lazyAgent({ connections: concurrency, keepAliveTimeout: 10_000, connect: { timeout } }),
    ownsDispatcher: options.dispatcher === undefined,
    origin,
    concurrency,
    timeout,
    maxResponseBytes: options.maxResponseBytes ?? 1024 * 1024,
    globals: { installid: options.globals?.installid ?? '', appid: options.globals?.appid ?? 'switchboard' },
    includeResponse: options.includeResponse ?? false,
    retry: options.retry === false ? { ...DEFAULT_RETRY, attempts: 1 } : { ...DEFAULT_RETRY, ...options.retry },
    statusCallbackPrefix:
      options.statusCallback === undefined ? undefined : statusCallbackPrefix(options.statusCallback),
  };
}

/** `url` checked (http or https, no fragment) and ended so that the encoded message id completes it. */
function statusCallbackPrefix(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`statusCallback must be a URL such as https://gw.example.com/hooks/acme/status, not "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError(`statusCallback must use http or https, not ${parsed.protocol}`);
  if (parsed.hash !== '' || url.includes('#')) throw new TypeError('statusCallback must not have a #fragment');
  if (parsed.searchParams.has('sb'))
    throw new TypeError('statusCallback must not carry sb= itself: the connector appends sb=<message id>');
  const separator = parsed.search === '' ? '?' : url.endsWith('&') || url.endsWith('?') ? '' : '&';
  return `${url}${separator}sb=`;
}

function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`origin must be a URL such as http://127.0.0.1:8080, not "${origin}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`origin must use http or https, not ${url.protocol}`);
  return url.origin;
}
