/**
 * Sends one rendered request and turns what happens into a result: the response interpreted by
 * the provider's rules, or the network failure classified. Answers an auth challenge when the
 * service waits for one. Never throws for anything the provider or the network does.
 */
import { digestAuthorization, parseDigestChallenge } from '../http/digest.js';
import { exchange, isFailure, type ExchangeOptions, type Received, type WireRequest } from '../http/exchange.js';
import type { NetworkFailure } from '../http/network-error.js';
import { requestTarget } from '../http/request-target.js';
import type { CompiledService } from '../provider/compile-service.js';
import type { Redactor } from '../redact.js';
import { interpret } from '../response/interpret.js';
import type { SendResult } from '../result.js';
import type { DataReader } from './service-data.js';
import type { TokenSource } from '../auth/oauth2.js';
import { parseRetryAfter } from '../delivery/retry.js';
import { basicAuthorization, type RenderedRequest } from './render-request.js';
import type { Gate } from './gate.js';
import { localFailure } from './outcomes.js';

/** What sending through one service needs, resolved once per connector. */
export interface SendContext {
  readonly exchange: ExchangeOptions;
  readonly includeResponse: boolean;
  readonly redact: Redactor;
  /** Reads the service's data from a 2xx answer, for services that return data. */
  readonly read: DataReader | undefined;
  readonly tokens: TokenSource;
}

/**
 * Sends `request` for `recipient` and returns its result. The message's `gate` (its intent) is
 * passed last, after any token request, just before the request is handed to a connection.
 */
export async function sendRendered(
  recipient: string,
  rendered: RenderedRequest,
  service: CompiledService,
  context: SendContext,
  onDispatched?: () => void,
  gate?: Gate,
): Promise<SendResult & { data?: unknown }> {
  const started = performance.now();
  let request = rendered;
  if (request.tokenRequest !== undefined) {
    const token = await context.tokens.get(request.tokenRequest);
    if (!token.ok) {
      const durationMs = Math.round(performance.now() - started);
      return {
        ok: false,
        recipient,
        status: token.status,
        error: context.redact(token.error),
        code: 'AUTH_FAILED',
        retryable: token.retryable,
        ambiguous: false,
        durationMs,
      };
    }
    request = { ...request, headers: { ...request.headers, authorization: `Bearer ${token.token}` } };
  }
  if (gate === undefined) return onWire(recipient, request, service, context, started, onDispatched);
  if (!(await gate.enter())) {
    const withdrawn = localFailure(
      recipient,
      'NOT_SENT',
      'not sent: the caller withdrew the message before it went out',
    );
    gate.leave(withdrawn);
    return withdrawn;
  }
  const result = await onWire(recipient, request, service, context, started, onDispatched);
  gate.leave(result);
  return result;
}

/** The exchange itself (with an answered auth challenge) and its result. */
async function onWire(
  recipient: string,
  request: RenderedRequest,
  service: CompiledService,
  context: SendContext,
  started: number,
  onDispatched: (() => void) | undefined,
): Promise<SendResult & { data?: unknown }> {
  const exchangeOptions = context.exchange;
  const redact = context.redact;
  let outcome = await exchange(request, exchangeOptions, onDispatched);
  if (request.challengeAuth && !isFailure(outcome) && outcome.status === 401) {
    const answer = answerChallenge(outcome, request, request.challengeAuth);
    if (answer !== undefined)
      outcome = await exchange({ ...request, headers: { ...request.headers, authorization: answer } }, exchangeOptions);
  }
  const durationMs = Math.round(performance.now() - started);
  if (isFailure(outcome)) return failureResult(recipient, outcome, durationMs, redact);

  const verdict = interpret(outcome, service.response, redact);
  const fields = {
    recipient,
    status: outcome.status,
    retryable: verdict.retryable,
    ambiguous: verdict.ambiguous,
    durationMs,
    ...(verdict.messageId === undefined ? {} : { messageId: verdict.messageId }),
  };
  let result: SendResult & { data?: unknown } = verdict.ok
    ? { ok: true, ...fields }
    : {
        ok: false,
        ...fields,
        error: verdict.error ?? `HTTP ${outcome.status}`,
        code: verdict.code ?? 'PROVIDER_ERROR',
        ...(verdict.providerCode === undefined ? {} : { providerCode: verdict.providerCode }),
        ...retryAfter(outcome),
      };
  if (result.ok && context.read !== undefined) {
    const data = context.read(outcome, service.response, redact);
    result =
      'data' in data
        ? { ...result, data: data.data }
        : { ...fields, ok: false, code: 'RESPONSE_INVALID', error: data.error };
  }
  if (!context.includeResponse) return result;
  const response = {
    status: outcome.status,
    headers: Object.fromEntries(Object.entries(outcome.headers).map(([name, value]) => [name, redact(value)])),
    body: redact(outcome.body, outcome.truncated),
    truncated: outcome.truncated,
  };
  return { ...result, response };
}

/** How long a 429 or 503 asked to wait, where it said. */
function retryAfter(outcome: Received): { retryAfterMs?: number } {
  if (outcome.status !== 429 && outcome.status !== 503) return {};
  const wait = parseRetryAfter(outcome.headers['retry-after']);
  return wait === undefined ? {} : { retryAfterMs: wait };
}

function answerChallenge(
  response: Received,
  wire: WireRequest,
  credentials: { username: string; password: string },
): string | undefined {
  const header = response.headers['www-authenticate'];
  const digest = parseDigestChallenge(header);
  if (digest !== undefined) {
    const url = requestTarget(wire.url);
    return digestAuthorization(digest, { method: wire.method, uri: url.pathname + url.search, ...credentials });
  }
  // Basic cannot carry a user name with ":" (RFC 7617): the 401 then stands as the answer.
  if (header !== undefined && /^\s*Basic\b/i.test(header) && !credentials.username.includes(':'))
    return basicAuthorization(credentials.username, credentials.password);
  return undefined;
}

function failureResult(recipient: string, failure: NetworkFailure, durationMs: number, redact: Redactor): SendResult {
  return {
    ok: false,
    recipient,
    status: 0,
    error: redact(failure.error),
    code: failure.code,
    retryable: failure.retryable,
    ambiguous: failure.ambiguous,
    durationMs,
  };
}
