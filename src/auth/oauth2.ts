/**
 * OAuth 2.0 client-credentials tokens: fetched once, shared by concurrent requests, cached until
 * shortly before they expire. A failed fetch becomes the send's result, never a throw.
 */
import type { ExchangeOptions } from '../http/exchange.js';
import { exchange, isFailure } from '../http/exchange.js';
import type { NetworkFailure } from '../http/network-error.js';
import type { Redactor } from '../redact.js';
import { interpret } from '../response/interpret.js';
import { parseBody } from '../response/parse-body.js';
import { getPointer, textOf } from '../response/pointer.js';
import { percentEncode } from '../template/escape.js';

/** What a token request needs, rendered. */
export interface TokenRequest {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string | undefined;
  readonly clientAuth: 'basic' | 'body';
}

/** A token, or why there is none. */
export type TokenOutcome =
  { ok: true; token: string } | { ok: false; status: number; error: string; retryable: boolean; ambiguous: boolean };

/** Renews this long before the token's stated expiry, so a request never carries a stale token. */
const EARLY_RENEWAL_MS = 30_000;

interface Cached {
  token: string;
  expiresAt: number;
}

/** Hands out tokens, fetching only when none is cached and fresh. */
export interface TokenSource {
  get(request: TokenRequest): Promise<TokenOutcome>;
}

/** A cache of tokens per token URL and client, for one connector; `redact` masks secrets in a refusal's text. */
export function createTokenSource(
  options: ExchangeOptions,
  redact: Redactor,
  now: () => number = Date.now,
): TokenSource {
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<TokenOutcome>>();
  return {
    get(request: TokenRequest): Promise<TokenOutcome> {
      const key = `${request.tokenUrl}\n${request.clientId}\n${request.scope ?? ''}`;
      const cached = cache.get(key);
      if (cached && cached.expiresAt > now()) return Promise.resolve({ ok: true, token: cached.token });
      let inFlight = pending.get(key);
      if (inFlight === undefined) {
        inFlight = fetchToken(request, options, redact, now).then((outcome) => {
          pending.delete(key);
          if (outcome.ok) cache.set(key, { token: outcome.token, expiresAt: outcome.expiresAt });
          return outcome.ok ? { ok: true as const, token: outcome.token } : outcome;
        });
        pending.set(key, inFlight);
      }
      return inFlight;
    },
  };
}

async function fetchToken(
  request: TokenRequest,
  options: ExchangeOptions,
  redact: Redactor,
  now: () => number,
): Promise<(TokenOutcome & { ok: false }) | { ok: true; token: string; expiresAt: number }> {
  const fields: [string, string][] = [['grant_type', 'client_credentials']];
  if (request.scope) fields.push(['scope', request.scope]);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (request.clientAuth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`).toString('base64')}`;
  } else fields.push(['client_id', request.clientId], ['client_secret', request.clientSecret]);
  const body = fields.map(([k, v]) => `${k}=${percentEncode(v)}`).join('&');
  const outcome = await exchange({ method: 'POST', url: request.tokenUrl, headers, body }, options);
  if (isFailure(outcome)) return networkFailure(outcome);
  const verdict = interpret(outcome, { error: ['/error_description', '/error'] }, redact);
  if (!verdict.ok)
    return {
      ok: false,
      status: outcome.status,
      error: `the token request failed: ${verdict.error ?? 'no reason given'}`,
      retryable: verdict.retryable,
      ambiguous: false,
    };
  const parsed = parseBody(outcome.body, outcome.contentType, 'json');
  const token = parsed.format === 'json' ? textOf(getPointer(parsed.document, '/access_token')) : undefined;
  if (token === undefined || token === '')
    return {
      ok: false,
      status: outcome.status,
      error: 'the token endpoint answered without an access_token',
      retryable: false,
      ambiguous: false,
    };
  const seconds = Number(parsed.format === 'json' ? textOf(getPointer(parsed.document, '/expires_in')) : undefined);
  const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3_600_000;
  return { ok: true, token, expiresAt: now() + Math.max(0, lifetime - EARLY_RENEWAL_MS) };
}

function networkFailure(failure: NetworkFailure): TokenOutcome & { ok: false } {
  // Nothing was sent to the provider yet, so even an unclear token request leaves the message unsent.
  return {
    ok: false,
    status: 0,
    error: `the token request failed: ${failure.error}`,
    retryable: failure.retryable,
    ambiguous: false,
  };
}
