/**
 * Receiving a provider's webhook: choose the endpoint, check method and size, verify over the raw
 * bytes, then read the events and say what to answer. Every request gives a result; nothing a
 * caller sends makes this throw. A receiver is compiled once per provider and account.
 */
import type { Account } from '../config/account.js';
import { ConfigError, SwitchboardError } from '../errors.js';
import type { WebhookEndpoint } from '../generated/provider.js';
import type { Provider } from '../provider/compile-provider.js';
import { compileTemplate } from '../template/compile.js';
import { renderTemplate } from '../template/render.js';
import type { WebhookAnswer, WebhookResult } from './events.js';
import { WebhookFailure, failureAnswer } from './failure.js';
import { readEvents } from './read/read-events.js';
import { readSource } from './read/source.js';
import { RequestFacts, type WebhookRequest } from './request.js';
import { compileVerifier } from './verify/compile-verifier.js';
import type { Signature, Verifier } from './verify/recipe.js';

/** Options of a receiver. */
export interface WebhookOptions {
  /** Largest body accepted, in bytes, for endpoints that declare none. Default 1 MiB. */
  readonly maxBytes?: number;
  /** The clock timestamps are checked against, in ms since 1970. Default Date.now. */
  readonly now?: () => number;
}

/** A provider's webhooks compiled for one account. */
export interface WebhookReceiver {
  /** The endpoint names, in file order. */
  readonly endpoints: readonly string[];
  /** Verifies and reads one request; `endpoint` names the endpoint (else chosen by the file). */
  receive(request: WebhookRequest, endpoint?: string): WebhookResult;
  /**
   * Signs a request as the provider would (HMAC recipes): the request with its signature header
   * or query key set, and the string that was signed. Throws a SwitchboardError (`USAGE`) for a
   * recipe that cannot be signed with the account's values.
   */
  sign(request: WebhookRequest, endpoint?: string): { request: WebhookRequest; signed: string };
}

interface CompiledEndpoint {
  readonly name: string;
  readonly spec: WebhookEndpoint;
  readonly verifier: Verifier;
  readonly answer: WebhookAnswer;
  readonly maxBytes: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * Compiles `provider`'s webhooks for `account`. Throws ConfigError when the provider describes no
 * webhooks, or the account lacks the values an endpoint's verification needs (an endpoint is
 * never accepted unauthenticated).
 * @example
 * const receiver = createWebhookReceiver({ provider, account });
 * const result = receiver.receive({ method: 'POST', url, headers, body }, 'inbound');
 * res.writeHead(result.answer.status, result.answer.headers).end(result.answer.body);
 */
export function createWebhookReceiver(init: {
  provider: Provider;
  account: Account;
  options?: WebhookOptions;
}): WebhookReceiver {
  const { provider, account } = init;
  const endpoints = provider.definition.webhooks?.endpoints;
  if (endpoints === undefined)
    throw new ConfigError([
      {
        file: provider.source,
        pointer: '/webhooks',
        message: 'is missing: this provider describes no webhooks',
        code: 'WEBHOOK_NONE',
      },
    ]);
  const render = (source: string) =>
    renderTemplate(compileTemplate(source, 'raw', { params: [], accountKeys: 'any', secrets: new Set() }).template, {
      params: {},
      account: account.values,
    });
  const compiled: CompiledEndpoint[] = [];
  const issues = [];
  for (const [name, spec] of Object.entries(endpoints)) {
    const recipe = compileVerifier(spec.verify, render);
    if (!recipe.ok) {
      issues.push({
        file: account.source,
        pointer: '',
        message: `has no value for ${recipe.missing.join(', ')}, which verifying ${provider.id}'s ${name} webhook needs; an endpoint is never accepted unauthenticated`,
        code: 'ACCOUNT_MISSING_VALUE',
      });
      continue;
    }
    const answer = {
      status: spec.answer.status,
      headers: spec.answer.contentType === undefined ? {} : { 'content-type': spec.answer.contentType },
      body: spec.answer.body ?? '',
    };
    compiled.push({
      name,
      spec,
      verifier: recipe.verifier,
      answer,
      maxBytes: spec.maxBytes ?? init.options?.maxBytes ?? DEFAULT_MAX_BYTES,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const now = init.options?.now ?? Date.now;
  const defaultCountry = account.defaultCountry ?? provider.numbers?.defaultCountry;
  return {
    endpoints: compiled.map((e) => e.name),
    receive(request, endpoint) {
      let chosen: CompiledEndpoint | undefined;
      try {
        const facts = new RequestFacts(request);
        chosen = choose(compiled, facts, endpoint);
        return receiveAt(chosen, facts, { providerId: provider.id, endpoint: chosen.name, defaultCountry }, now());
      } catch (error) {
        if (!(error instanceof WebhookFailure)) throw error;
        return {
          ok: false,
          code: error.code,
          reason: error.reason,
          ...(chosen ? { endpoint: chosen.name } : {}),
          answer: failureAnswer(error),
        };
      }
    },
    sign(request, endpoint) {
      let chosen: CompiledEndpoint;
      try {
        chosen = choose(compiled, new RequestFacts(request), endpoint);
      } catch (error) {
        if (error instanceof WebhookFailure) throw new SwitchboardError('USAGE', error.reason);
        throw error;
      }
      const signature = chosen.verifier.sign?.(new RequestFacts(request));
      if (signature === undefined || signature.field.from === 'form' || signature.field.from === 'param')
        throw new SwitchboardError(
          'USAGE',
          `the ${chosen.name} endpoint's verification (${chosen.spec.verify.type}) cannot be signed here; only HMAC signatures in a header or query key can`,
        );
      return { request: withSignature(request, signature), signed: signature.signed };
    },
  };
}

function choose(
  endpoints: readonly CompiledEndpoint[],
  facts: RequestFacts,
  name: string | undefined,
): CompiledEndpoint {
  if (name !== undefined) {
    const named = endpoints.find((e) => e.name === name);
    if (named === undefined)
      throw new WebhookFailure(
        'WEBHOOK_UNKNOWN_ENDPOINT',
        `no endpoint "${name}"; the provider has ${endpoints.map((e) => e.name).join(', ')}`,
      );
    return named;
  }
  if (endpoints.length === 1) return endpoints[0] as CompiledEndpoint;
  const scope = { facts, pairs: [], event: undefined, item: undefined, defaultCountry: undefined };
  const found = endpoints.find((e) => {
    if (e.spec.when === undefined) return true;
    const value = readSource(e.spec.when.field, scope);
    return value !== undefined && (e.spec.when.equals === undefined || value === e.spec.when.equals);
  });
  if (found === undefined)
    throw new WebhookFailure('WEBHOOK_UNKNOWN_ENDPOINT', 'no endpoint of the provider takes this request; name one');
  return found;
}

function receiveAt(
  endpoint: CompiledEndpoint,
  facts: RequestFacts,
  context: { providerId: string; endpoint: string; defaultCountry: string | undefined },
  nowMs: number,
): WebhookResult {
  const methods = endpoint.spec.methods ?? ['POST'];
  if (!(methods as string[]).includes(facts.method))
    throw new WebhookFailure(
      'WEBHOOK_METHOD',
      `${facts.method} is not a method of this endpoint (${methods.join(', ')})`,
    );
  if (facts.bodyLength > endpoint.maxBytes)
    throw new WebhookFailure(
      'WEBHOOK_TOO_LARGE',
      `the body has ${facts.bodyLength} bytes, more than the ${endpoint.maxBytes} allowed`,
    );
  endpoint.verifier.verify(facts, nowMs);
  const { events, ignored } = readEvents(endpoint.spec.read, facts, context);
  return { ok: true, endpoint: endpoint.name, events, ignored, answer: endpoint.answer };
}

const cache = new WeakMap<Provider, WeakMap<Account, WebhookReceiver>>();

/**
 * Verifies and reads one webhook request, compiling the receiver for this provider and account on
 * first use. Returns the events or a typed failure, and the answer to send either way.
 * @example
 * const result = receiveWebhook({ provider, account, request: { method, url, headers, body } });
 * if (result.ok) for (const event of result.events) store(event.dedupeKey, event);
 */
export function receiveWebhook(init: {
  provider: Provider;
  account: Account;
  request: WebhookRequest;
  endpoint?: string;
  options?: WebhookOptions;
}): WebhookResult {
  if (init.options !== undefined) return createWebhookReceiver(init).receive(init.request, init.endpoint);
  let byAccount = cache.get(init.provider);
  if (byAccount === undefined) cache.set(init.provider, (byAccount = new WeakMap()));
  let receiver = byAccount.get(init.account);
  if (receiver === undefined) byAccount.set(init.account, (receiver = createWebhookReceiver(init)));
  return receiver.receive(init.request, init.endpoint);
}

/** `request` carrying `signature` in its header (replacing any of that name) or query key. */
function withSignature(request: WebhookRequest, signature: Signature): WebhookRequest {
  const { name } = signature.field;
  if (signature.field.from === 'query') {
    const url = new URL(request.url);
    url.searchParams.set(name, signature.value);
    return { ...request, url: url.toString() };
  }
  const pairs = Array.isArray(request.headers)
    ? (request.headers as readonly (readonly [string, string])[])
    : Object.entries(request.headers as Record<string, string | readonly string[] | undefined>).flatMap(([k, v]) =>
        v === undefined ? [] : typeof v === 'string' ? [[k, v] as const] : v.map((x) => [k, x] as const),
      );
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of [...pairs.filter(([k]) => k.toLowerCase() !== name.toLowerCase()), [name, signature.value]]) {
    const had = headers[k];
    headers[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  return { ...request, headers };
}
