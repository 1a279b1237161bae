/**
 * The orchestration (DESIGN §4): a message enters here, becomes one rendered request per recipient,
 * a response, then a result. Configuration problems throw at creation; sending only returns results.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Account } from '../config/account.js';
import { ConfigError, RenderFailedError, SwitchboardError, type ConfigIssue } from '../errors.js';
import type { Provider } from '../provider/compile-provider.js';
import type { CompiledService } from '../provider/compile-service.js';
import type { ServiceName } from '../provider/services.js';
import type { SendResult } from '../result.js';
import { RenderError } from '../template/escape.js';
import type { Scope } from '../template/render.js';
import { bindAll, type Binding } from './bind.js';
import { mapConcurrent } from './concurrency.js';
import { resolveOptions, type ConnectorOptions, type ResolvedOptions } from './options.js';
import { checkTransport, renderRequest, withOrigin, type RenderedRequest } from './render-request.js';
import { renderTemplate } from '../template/render.js';
import type { CompiledTemplate } from '../template/compile.js';
import { sendRendered, type SendContext } from './send-one.js';
import { createTokenSource } from '../auth/oauth2.js';
import { RateLimiter } from '../delivery/rate-limiter.js';
import { mayRetry, withRetries } from '../delivery/retry.js';
import { inherit, mediaParams, messageParams, prepareParams, type ServiceParams } from './params.js';
import { planMedia, type MediaGroup } from './media-plan.js';
import type { Attachment } from '../generated/attachment.js';
import { localFailure, sendParts } from './outcomes.js';
import { applyLengthRule } from '../message/length-policy.js';
import { acrobitsServices, type AcrobitsServices } from './acrobits-services.js';
import { dataReader } from './service-data.js';
import { gateOf, type Gate } from './gate.js';
import { createWireSlots } from './wire-slots.js';
import type { OutgoingMessage } from './outgoing-message.js';
import { createPause } from '../delivery/pause.js';
import { suppressionCheck } from './suppression-check.js';

/** One message for one or more recipients (in its own module, which gate.ts reads too). */
export type { OutgoingMessage } from './outgoing-message.js';
export type { ServiceParams } from './params.js';

/** Sends through one provider with one account. Create with {@link createConnector}. */
export interface Connector extends AcrobitsServices {
  readonly provider: Provider;
  readonly account: Account;
  /** Sends `message`, one request per recipient; one result each, in recipient order. */
  sendMessage(message: OutgoingMessage): Promise<SendResult[]>;
  /** Calls any service once with raw parameters (`sms_to` still goes through number formatting); `data` holds what the service returns. */
  call(service: ServiceName, params: ServiceParams): Promise<SendResult & { data?: unknown }>;
  /**
   * The exact request a call would send, unsent; secrets masked unless `showSecrets`. With `media`
   * (sendMessage only) the attachments are planned as a send would plan them. Throws RenderFailedError.
   */
  render(
    service: ServiceName,
    params: ServiceParams,
    options?: { showSecrets?: boolean; media?: readonly Attachment[] },
  ): RenderedRequest;
  /** Closes the connections the connector opened. */
  close(): Promise<void>;
}

/** What a connector is made from. */
export interface ConnectorInit extends ConnectorOptions {
  account: Account;
  /** The provider; default: the account's own (an Acrobits account's services, or the provider it names, loaded by the caller). */
  provider?: Provider;
}

/**
 * Creates a connector. Throws ConfigError when the account lacks a required value, a phone-number
 * parameter is invalid, or a secret would travel over plain http.
 * @example
 * const account = await loadAccount('acme.account.json');
 * const sb = createConnector({ provider: await loadProvider(account.provider!), account });
 * const [result] = await sb.sendMessage({ to: '+15558675310', body: 'Hi' });
 */
export function createConnector(init: ConnectorInit): Connector {
  const provider = init.provider ?? init.account.inlineProvider;
  if (provider === undefined) {
    throw new SwitchboardError(
      'USAGE',
      `account ${init.account.source} names provider "${init.account.provider}"; load it with loadProvider() and pass it as provider`,
    );
  }
  // Missing values and secrets bound for plain http are reported together.
  const { binding, issues } = bindAll(provider, init.account);
  // The account's own origin (a test server, a sandbox) unless the caller names one.
  const origin = init.origin ?? init.account.origin;
  const options = resolveOptions(origin === undefined ? init : { ...init, origin });
  issues.push(...transportIssues(binding, options));
  if (issues.length > 0) throw new ConfigError(issues);

  const serviceOf = (name: ServiceName): CompiledService => {
    const service = provider.services[name];
    if (service === undefined) throw new SwitchboardError('USAGE', `provider ${provider.id} has no ${name} service`);
    return service;
  };
  // Derived parameters each service uses, resolved once.
  const derivedUsed = new Map(
    [...Object.values(provider.services), ...(provider.mediaService ? [provider.mediaService] : [])].map((service) => [
      service,
      [...provider.derived].filter(([name]) => service.params.has(name)),
    ]),
  );
  /** The scope of one request; `params` already hold the globals. A request id is made only when used. */
  const scopeFor = (service: CompiledService, params: ServiceParams, media?: readonly Attachment[]): Scope => {
    let values = service.params.has('request_id') ? inherit(params, 'request_id', randomUUID()) : params;
    for (const [name, spec] of derivedUsed.get(service) ?? []) {
      const scope = { params: values, account: binding.values };
      const input = renderTemplate(spec.from, scope);
      const chosen = (Object.hasOwn(spec.map, input) ? spec.map[input] : undefined) ?? spec.default;
      values = inherit(values, name, chosen === undefined ? input : renderTemplate(chosen, scope));
    }
    return media === undefined
      ? { params: values, account: binding.values }
      : { params: values, account: binding.values, media };
  };
  // Whether a template or a derived parameter reads %media_count% (a type field: sms or mms).
  const countsMedia =
    provider.media !== undefined &&
    ([...Object.values(provider.services), provider.mediaService].some((s) => s?.params.has('media_count')) ||
      [...provider.derived.values()].some((d) => d.from.params.has('media_count')));
  // What sending through each service needs, resolved once.
  const tokens = createTokenSource(
    {
      dispatcher: options.dispatcher,
      timeout: options.timeout,
      maxResponseBytes: 64 * 1024,
    },
    binding.redact,
  );
  const contexts = new Map<CompiledService, SendContext>(
    [
      ...Object.entries(provider.services),
      ...(provider.mediaService ? [['sendMessage', provider.mediaService] as const] : []),
    ].map(([name, service]) => [
      service,
      {
        exchange: {
          dispatcher: options.dispatcher,
          timeout: service.timeout ?? options.timeout,
          maxResponseBytes: options.maxResponseBytes,
        },
        includeResponse: options.includeResponse,
        redact: binding.redact,
        read: dataReader(name as ServiceName),
        tokens,
      },
    ]),
  );
  const sendSettings = { origin: options.origin, mask: false, allowInsecureSecrets: binding.allowInsecureSecrets };
  const settings = (mask: boolean) => (mask ? { ...sendSettings, mask } : sendSettings);

  // A limiter given by the caller is used even for a provider without limits: it may share holds
  // (Retry-After) between processes.
  const limiter =
    init.rateLimiter ?? (provider.rateLimits.length === 0 ? undefined : new RateLimiter(provider.rateLimits));

  const pause = createPause(options.retry.maxTotalMs, limiter);
  const slots = createWireSlots(options.concurrency);
  /** A request ended: its place on the wire is free, and a Retry-After pauses the connector. */
  const settle = (result: SendResult & { data?: unknown }) => {
    slots.release();
    pause.heed(result.retryAfterMs);
    return result;
  };

  /**
   * Renders the request (so dates, nonces and signatures are fresh when it goes) and sends it once
   * it has a place on the wire; the gate records the intent just before the request is written.
   */
  const renderAndDispatch = (
    recipient: string,
    service: CompiledService,
    scope: Scope,
    gate: Gate | undefined,
    dispatched?: () => void,
  ): Promise<SendResult & { data?: unknown }> => {
    const send = (): Promise<SendResult & { data?: unknown }> => {
      let request: RenderedRequest;
      try {
        request = renderRequest(service, scope, sendSettings);
      } catch (error) {
        slots.release();
        if (error instanceof RenderError)
          return Promise.resolve(localFailure(recipient, 'RENDER_FAILED', binding.redact(error.message)));
        throw error;
      }
      const context = contexts.get(service) as SendContext;
      return sendRendered(recipient, request, service, context, dispatched, gate).then(settle, (error: unknown) => {
        slots.release();
        throw error;
      });
    };
    const waiting = slots.take();
    return waiting === undefined ? send() : waiting.then(send);
  };

  /** One attempt: wait out a pause and the rate limits, then a place on the wire, render, pass the gate, send. */
  const attemptOnce = (
    name: ServiceName,
    service: CompiledService,
    params: ServiceParams,
    recipient: string,
    gate?: Gate,
    media?: readonly Attachment[],
  ): Promise<SendResult & { data?: unknown }> => {
    const paused = pause.remaining();
    if (paused > 0) return sleep(paused).then(() => attemptOnce(name, service, params, recipient, gate, media));
    const scope = scopeFor(service, params, media);
    if (limiter === undefined || name !== 'sendMessage') return renderAndDispatch(recipient, service, scope, gate);
    const keys = provider.rateLimits.map((l) => renderTemplate(l.key, scope));
    const weights = provider.rateLimits.map((l) => (l.countParts ? Number(scope.params.sms_parts ?? '1') : 1));
    return limiter
      .acquire(keys, weights)
      .then((dispatched) => renderAndDispatch(recipient, service, scope, gate, dispatched));
  };

  const check =
    init.suppression === undefined
      ? undefined
      : suppressionCheck(init.suppression, init.account.values.from ?? '', init.account.defaultCountry);
  /** {@link callNow}, after the opt-out check for a message when the connector has a suppression store. */
  const callOne = (
    name: ServiceName,
    params: ServiceParams,
    recipient: string,
    owned = false,
    gate?: Gate,
    media?: readonly Attachment[],
  ): Promise<SendResult & { data?: unknown }> =>
    check === undefined || name !== 'sendMessage'
      ? callNow(name, params, recipient, owned, gate, media)
      : check(recipient, () => callNow(name, params, recipient, owned, gate, media));

  // Not async on purpose: one promise per request fewer on the hot path. Rendering throws
  // synchronously; sending never throws for what a provider or the network does.
  // `owned`: `params` is a flat object made for this request alone, to be completed in place.
  const callNow = (
    name: ServiceName,
    params: ServiceParams,
    recipient: string,
    owned = false,
    gate?: Gate,
    media?: readonly Attachment[],
  ): Promise<SendResult & { data?: unknown }> => {
    // A message with attachments goes through the provider's media service where it has one.
    const service =
      media !== undefined && provider.mediaService !== undefined ? provider.mediaService : serviceOf(name);
    const prepared = prepareParams(params, binding, owned);
    if (!prepared.ok) return Promise.resolve(localFailure(recipient, 'NUMBER_INVALID', prepared.message));
    // The message id is fixed before the first attempt, so every retry carries the same one.
    let stable = prepared.params;
    // Without a status callback base the URL is empty, as a missing value is: no id to make for it.
    const callback = options.statusCallbackPrefix !== undefined && service.params.has('status_callback_url');
    if ((callback || service.params.has('message_id')) && !stable.message_id) {
      if (owned) (stable as Record<string, string>).message_id = randomUUID();
      else stable = inherit(stable, 'message_id', randomUUID());
    }
    if (callback && !stable.status_callback_url) stable = withStatusCallback(stable, owned);
    const first = attemptOnce(name, service, stable, recipient, gate, media);
    if (options.retry.attempts <= 1) return first;
    return first.then((result) =>
      mayRetry(result, service.idempotent)
        ? withRetries(() => attemptOnce(name, service, stable, recipient, gate, media), result, options.retry, {
            idempotent: service.idempotent,
            beforeWait: gate === undefined ? undefined : () => gate.beforePause(),
          })
        : result,
    );
  };

  /** `%status_callback_url%`: the connector's base URL carrying this message's id, or empty without one. */
  const withStatusCallback = (params: ServiceParams, owned: boolean): ServiceParams => {
    const prefix = options.statusCallbackPrefix;
    const url = prefix === undefined ? '' : prefix + encodeURIComponent(params.message_id ?? '');
    if (!owned) return inherit(params, 'status_callback_url', url);
    (params as Record<string, string>).status_callback_url = url;
    return params;
  };

  /**
   * Sends `body` and `media` to the recipients at `indices` (all of them when undefined), one
   * request each (or one per part of a split text); results in the order of `indices`.
   */
  const sendGroup = (
    message: OutgoingMessage,
    gate: Gate | undefined,
    everyone: readonly string[],
    indices: readonly number[] | undefined,
    body: string,
    media: readonly Attachment[],
  ): Promise<SendResult[]> => {
    const recipients = indices === undefined ? everyone : indices.map((i) => everyone[i] as string);
    const indexOf = (k: number) => (indices === undefined ? k : (indices[k] as number));
    const texts = applyLengthRule(body, provider.definition.messageLength);
    if (!texts.ok) return Promise.resolve(recipients.map((to) => localFailure(to, 'MESSAGE_TOO_LONG', texts.message)));
    // A plain object (not a null-prototype one, which V8 keeps as a hash table): each recipient's
    // copy of it is then a fast clone. Placeholder names are checked at load, so none is inherited.
    // The attachments go with the first part of a split text only. Without any, a missing media
    // value expands to empty as any other; only %media_count% must read 0, where it is read.
    const paramsOf = (text: string, part: number): ServiceParams => {
      const params = messageParams({ ...options.globals }, message, text);
      if (part === 0 && media.length > 0) return mediaParams(params, media);
      if (countsMedia) params.media_count = '0';
      return params;
    };
    const mediaOf = (part: number) => (part === 0 && media.length > 0 ? media : undefined);
    const idOf = (index: number, part: number): string | undefined => {
      if (message.messageId === undefined) return undefined;
      const base = everyone.length === 1 ? message.messageId : `${message.messageId}:${index}`;
      return texts.texts.length === 1 ? base : `${base}:part${part + 1}`;
    };
    // Each request gets a flat copy of its own (a spread: the quickest copy V8 makes). Layered on
    // `params` through the prototype, every request's object would become a prototype in turn
    // (message id, status callback), which costs V8 far more than the copy, and every placeholder
    // look-up would walk the chain.
    const forRecipient = (params: ServiceParams, to: string, id: string | undefined) => {
      const own: Record<string, string> = { ...params, sms_to: to };
      if (id !== undefined) own.message_id = id;
      return own;
    };
    if (texts.texts.length === 1) {
      const params = paramsOf(texts.texts[0] as string, 0);
      // One recipient (every message of a bulk send): no pool to set up, and the parameters are
      // this request's own, so they are completed in place rather than layered.
      if (recipients.length === 1) {
        const to = recipients[0] as string;
        const own = params as Record<string, string>;
        own.sms_to = to;
        const id = idOf(indexOf(0), 0);
        if (id !== undefined) own.message_id = id;
        return callOne('sendMessage', own, to, true, gate, mediaOf(0)).then((result) => [result]);
      }
      return mapConcurrent(recipients, options.concurrency, (to, k) =>
        callOne('sendMessage', forRecipient(params, to, idOf(indexOf(k), 0)), to, true, gate, mediaOf(0)),
      );
    }
    // Split: each recipient gets the parts in order, as separate messages.
    const parts = texts.texts.map(paramsOf);
    return mapConcurrent(recipients, options.concurrency, (to, k) =>
      sendParts(
        parts.map(
          (params, p) => () =>
            callOne('sendMessage', forRecipient(params, to, idOf(indexOf(k), p)), to, true, gate, mediaOf(p)),
        ),
      ),
    );
  };

  /**
   * A render's parameters with `media` planned as a send would: the attachments and their
   * parameters, or (text-with-link) the links in the text; throws what a send would return.
   */
  const withMedia = (
    name: ServiceName,
    params: ServiceParams,
    media: readonly Attachment[],
  ): { params: ServiceParams; media: readonly Attachment[] } => {
    if (name !== 'sendMessage') throw new SwitchboardError('USAGE', `only sendMessage carries media, not ${name}`);
    const to = params.sms_to ?? '';
    const plan = planMedia(params.sms_body ?? '', media, [to], provider, init.account, binding.pipeline.defaultCountry);
    if (plan.kind === 'invalid') throw new RenderFailedError('MEDIA_INVALID', plan.error);
    const refused = plan.refused.get(0);
    if (refused !== undefined) throw new RenderFailedError('MEDIA_NOT_SUPPORTED', refused);
    const group = plan.groups[0] as MediaGroup;
    const withBody = { ...params, sms_body: group.body };
    return { params: provider.media === undefined ? withBody : mediaParams(withBody, group.media), media: group.media };
  };

  const call = (name: ServiceName, params: ServiceParams) =>
    callOne(name, { ...options.globals, ...params }, params.sms_to ?? params.targetNumber ?? '', true);
  return {
    provider,
    account: init.account,
    ...acrobitsServices(call),
    sendMessage(message) {
      const recipients = typeof message.to === 'string' ? [message.to] : [...message.to];
      const gate = gateOf(message);
      if (message.media === undefined || message.media.length === 0)
        return sendGroup(message, gate, recipients, undefined, message.body, []);
      const plan = planMedia(
        message.body,
        message.media,
        recipients,
        provider,
        init.account,
        binding.pipeline.defaultCountry,
      );
      if (plan.kind === 'invalid')
        return Promise.resolve(recipients.map((to) => localFailure(to, 'MEDIA_INVALID', plan.error)));
      const results: SendResult[] = [];
      for (const [i, reason] of plan.refused)
        results[i] = localFailure(recipients[i] as string, 'MEDIA_NOT_SUPPORTED', reason);
      return Promise.all(
        plan.groups.map((group) =>
          sendGroup(message, gate, recipients, group.indices, group.body, group.media).then((sent) =>
            sent.forEach((result, k) => (results[group.indices[k] as number] = result)),
          ),
        ),
      ).then(() => results);
    },
    call,
    render(name, params, renderOptions = {}) {
      const media = renderOptions.media ?? [];
      const given = media.length > 0 ? withMedia(name, params, media) : { params, media };
      const prepared = prepareParams({ ...options.globals, ...given.params }, binding);
      if (!prepared.ok) throw new RenderFailedError('NUMBER_INVALID', prepared.message);
      try {
        const service = given.media.length > 0 ? (provider.mediaService ?? serviceOf(name)) : serviceOf(name);
        const params =
          service.params.has('status_callback_url') && !prepared.params.status_callback_url
            ? withStatusCallback(prepared.params, false)
            : prepared.params;
        const scope = scopeFor(service, params, given.media.length > 0 ? given.media : undefined);
        const request = renderRequest(service, scope, settings(!renderOptions.showSecrets));
        // Masked by position: the renderer wrote `****` where a secret stands, and nothing else changes.
        return request;
      } catch (error) {
        if (error instanceof RenderError) throw new RenderFailedError('RENDER_FAILED', binding.redact(error.message));
        throw error;
      }
    },
    async close() {
      if (options.ownsDispatcher) await options.dispatcher.close();
    },
  };
}

/** Checks every service's destination so a secret bound for plain http fails at creation, not at send. */
function transportIssues(binding: Binding, options: ResolvedOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const sample = new Proxy({}, { get: () => '0' }) as Record<string, string>;
  const scope = { params: sample, account: { ...sample, ...binding.values } };
  const check = (url: CompiledTemplate, pointer: string) => {
    try {
      checkTransport(withOrigin(renderTemplate(url, scope), options.origin));
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      issues.push({
        file: binding.provider.source,
        pointer,
        message: binding.redact(error.message),
        code: 'INSECURE_SECRET',
      });
    }
  };
  for (const [name, service] of Object.entries(binding.provider.services)) {
    if (!service.usesSecret || binding.allowInsecureSecrets) continue;
    check(service.url, `/services/${name}/url`);
    // The token request always carries the client secret.
    if (service.auth?.type === 'oauth2') check(service.auth.tokenUrl, `/services/${name}/auth/tokenUrl`);
  }
  const media = binding.provider.mediaService;
  if (media !== undefined && media.usesSecret && !binding.allowInsecureSecrets) check(media.url, '/media/service/url');
  return issues;
}
