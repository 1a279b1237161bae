/**
 * The orchestration (DESIGN §4): a message enters here, becomes one rendered request per recipient,
 * a response, then a result. Configuration problems throw at creation; sending only returns results.
 */
import { randomUUID } from 'node:crypto';
import type { Account } from '../config/account.js';
import { ConfigError, RenderFailedError, SwitchboardError, type ConfigIssue } from '../errors.js';
import { prepareNumber } from '../numbers/pipeline.js';
import type { Provider } from '../provider/compile-provider.js';
import type { CompiledService } from '../provider/compile-service.js';
import type { ServiceName } from '../provider/services.js';
import type { SendResult } from '../result.js';
import { RenderError } from '../template/escape.js';
import type { Scope } from '../template/render.js';
import { bind, type Binding } from './bind.js';
import { mapConcurrent } from './concurrency.js';
import { resolveOptions, type ConnectorOptions, type ResolvedOptions } from './options.js';
import { renderRequest, type RenderedRequest } from './render-request.js';
import { sendRendered } from './send-one.js';

/** One message for one or more recipients. */
export interface OutgoingMessage {
  /** Recipient(s); one request is sent per recipient. */
  to: string | readonly string[];
  /** The text, exactly as it must arrive. */
  body: string;
  /** Acrobits' `%smart%`: the recipient is a Smart Contact. Default false. */
  smart?: boolean;
  /** Acrobits' `%content_type%` of the message. Default text/plain. */
  contentType?: string;
  /** Acrobits' `%disposition_notification%`. Default empty. */
  dispositionNotification?: string;
}

/** Values for a service's parameters, by name (`sms_to`, `sms_body`, ...). */
export type ServiceParams = Readonly<Record<string, string>>;

/** Sends through one provider with one account. Create with {@link createConnector}. */
export interface Connector {
  readonly provider: Provider;
  readonly account: Account;
  /** Sends `message`, one request per recipient; one result each, in recipient order. */
  sendMessage(message: OutgoingMessage): Promise<SendResult[]>;
  /** Calls any service once with raw parameters (`sms_to` still goes through number formatting). */
  call(service: ServiceName, params: ServiceParams): Promise<SendResult>;
  /** The exact request a call would send, unsent; secrets masked unless `showSecrets`. Throws RenderFailedError. */
  render(service: ServiceName, params: ServiceParams, options?: { showSecrets?: boolean }): RenderedRequest;
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
 * const sb = createConnector({ provider: await loadProvider('twilio'), account: await loadAccount('twilio.json') });
 * const [result] = await sb.sendMessage({ to: '+15558675310', body: 'Hi' });
 */
export function createConnector(init: ConnectorInit): Connector {
  const provider = init.provider ?? init.account.inlineProvider;
  if (provider === undefined) {
    throw new SwitchboardError('USAGE', `account ${init.account.source} names provider "${init.account.provider}"; load it with loadProvider() and pass it as provider`);
  }
  const binding = bind(provider, init.account);
  const options = resolveOptions(init);
  checkTransports(binding, options);

  const serviceOf = (name: ServiceName): CompiledService => {
    const service = provider.services[name];
    if (service === undefined) throw new SwitchboardError('USAGE', `provider ${provider.id} has no ${name} service`);
    return service;
  };
  const scopeFor = (params: ServiceParams): Scope => ({
    params: { ...options.globals, request_id: randomUUID(), ...params },
    account: binding.values,
  });
  const settings = (mask: boolean) => ({ origin: options.origin, mask, allowInsecureSecrets: binding.allowInsecureSecrets });

  const callOne = async (name: ServiceName, params: ServiceParams, recipient: string): Promise<SendResult> => {
    const service = serviceOf(name);
    const prepared = prepareParams(params, binding);
    if (!prepared.ok) return localFailure(recipient, 'NUMBER_INVALID', prepared.message);
    try {
      const request = renderRequest(service, scopeFor(prepared.params), settings(false));
      return await sendRendered(recipient, request, service, options, binding.redact);
    } catch (error) {
      if (error instanceof RenderError) return localFailure(recipient, 'RENDER_FAILED', binding.redact(error.message));
      throw error;
    }
  };

  return {
    provider,
    account: init.account,
    sendMessage(message) {
      const recipients = typeof message.to === 'string' ? [message.to] : [...message.to];
      const params = messageParams(message);
      return mapConcurrent(recipients, options.concurrency, (to) => callOne('sendMessage', { ...params, sms_to: to }, to));
    },
    call(name, params) {
      return callOne(name, params, params.sms_to ?? params.targetNumber ?? '');
    },
    render(name, params, renderOptions = {}) {
      const prepared = prepareParams(params, binding);
      if (!prepared.ok) throw new RenderFailedError('NUMBER_INVALID', prepared.message);
      try {
        return renderRequest(serviceOf(name), scopeFor(prepared.params), settings(!renderOptions.showSecrets));
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

function messageParams(message: OutgoingMessage): Record<string, string> {
  return {
    sms_body: message.body,
    smart: message.smart ? '1' : '0',
    content_type: message.contentType ?? 'text/plain',
    disposition_notification: message.dispositionNotification ?? '',
  };
}

/** Runs the recipient (and a rate check's target) through the number pipeline. */
function prepareParams(params: ServiceParams, binding: Binding): { ok: true; params: ServiceParams } | { ok: false; message: string } {
  const out: Record<string, string> = { ...params };
  for (const key of ['sms_to', 'targetNumber']) {
    const typed = params[key];
    if (typed === undefined) continue;
    const prepared = prepareNumber(typed, binding.pipeline);
    if (!prepared.ok) return prepared;
    out[key] = prepared.value;
  }
  return { ok: true, params: out };
}

function localFailure(recipient: string, code: 'NUMBER_INVALID' | 'RENDER_FAILED', error: string): SendResult {
  return { ok: false, recipient, status: 0, error, code, retryable: false, ambiguous: false, durationMs: 0 };
}

/** Rehearses every service's URL so a secret bound for plain http fails at creation, not at send. */
function checkTransports(binding: Binding, options: ResolvedOptions): void {
  const issues: ConfigIssue[] = [];
  const sample = new Proxy({}, { get: () => '0' }) as Record<string, string>;
  for (const [name, service] of Object.entries(binding.provider.services)) {
    if (!service.usesSecret || binding.allowInsecureSecrets) continue;
    try {
      renderRequest(service, { params: sample, account: { ...sample, ...binding.values } }, { origin: options.origin, mask: false, allowInsecureSecrets: false });
    } catch (error) {
      if (error instanceof RenderError && error.message.includes('plain http')) {
        issues.push({ file: binding.provider.source, pointer: `/services/${name}/url`, message: binding.redact(error.message), code: 'INSECURE_SECRET' });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
