/**
 * Writes an account as Acrobits Account XML keys, so a softphone can be provisioned with it: the
 * account's values, and the provider's services as `generic…` web-service keys. What the apps
 * cannot do the same way is listed, never silently dropped.
 */
import type { Account } from '../config/account.js';
import type { ServiceSpec } from '../generated/provider.js';
import type { RewritingRule } from '../generated/rewriting.js';
import type { Provider } from '../provider/compile-provider.js';
import { ACROBITS_GLOBAL_PARAMS, ACROBITS_SERVICE_PARAMS, type ServiceName } from '../provider/services.js';
import { percentEncode } from '../template/escape.js';
import { parseTemplate, placeholders } from '../template/parse.js';
import { canonicalKey, type Field } from './keys.js';

/** Account XML keys for an account, and what could not be expressed in them. */
export interface AcrobitsExport {
  readonly values: Record<string, string>;
  readonly rewriting: readonly RewritingRule[] | undefined;
  /** Sentences naming each behaviour the apps would not reproduce. Empty when the export is exact. */
  readonly notExpressible: string[];
}

/** Placeholders and functions the apps know (Acrobits global, account and service parameters, `%sha1()%`). */
const APP_FUNCTIONS = new Set(['sha1']);

/** Exports `account` with `provider` (its own services for an Acrobits account). */
export function exportAccount(account: Account, provider: Provider): AcrobitsExport {
  if (account.inlineProvider === provider)
    return { values: { ...account.values }, rewriting: account.rewriting, notExpressible: [] };
  const notes: string[] = [];
  const values: Record<string, string> = { title: provider.name, ...account.values };
  for (const [name, spec] of Object.entries(provider.definition.services) as [ServiceName, ServiceSpec][]) {
    Object.assign(values, serviceKeys(name, spec, notes));
  }
  const format = provider.numbers?.format ?? 'E164';
  if (format !== 'AS_TYPED') {
    notes.push(
      `numbers: the provider wants them as ${format}, but the apps send numbers as typed; add rewriting rules that produce ${format} for your users' dialling habits`,
    );
  }
  const own = account.rewriting ?? [];
  const providers = provider.numbers?.rewriting ?? [];
  if (own.length > 0 && providers.length > 0) {
    notes.push(
      "rewriting: Switchboard runs the account's rules and then the provider's as two passes; the apps run the one list written here, where a matching account rule without tryOthers stops the provider's rules",
    );
  }
  const rewriting = [...own, ...providers];
  return { values, rewriting: rewriting.length > 0 ? rewriting : undefined, notExpressible: [...new Set(notes)] };
}

function serviceKeys(name: ServiceName, spec: ServiceSpec, notes: string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  // Anything else the templates use (message facts, derived lookups, request and message ids) the apps do not fill in.
  const appParams = new Set<string>([...ACROBITS_SERVICE_PARAMS[name], ...ACROBITS_GLOBAL_PARAMS]);
  const set = (field: Field, value: string | undefined) => {
    if (value !== undefined && value !== '') keys[canonicalKey(name, field)] = value;
  };
  set('Url', spec.url);
  const body = spec.body === undefined ? undefined : withoutOptionalCallbacks(spec.body);
  set('PostData', spec.postData ?? (body === undefined ? undefined : bodyTemplate(body, spec.contentType)));
  set('ContentType', spec.contentType);
  set('Method', spec.method);
  const headers = { ...spec.headers };
  if (spec.auth?.type === 'bearer') headers.Authorization = `Bearer ${spec.auth.token}`;
  set(
    'CustomHeaders',
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
  );
  if (spec.auth?.type === 'basic' || spec.auth?.type === 'digest') {
    set('AuthUsername', spec.auth.username);
    set('AuthPassword', spec.auth.password);
    if (spec.auth.type === 'basic')
      notes.push(
        `${name}: the provider expects HTTP Basic sent with every request; the apps answer a server's Digest challenge with AuthUsername/AuthPassword and do not document Basic`,
      );
  } else if (spec.auth !== undefined && spec.auth.type !== 'bearer') {
    notes.push(`${name}: the provider needs ${spec.auth.type} authentication, which the apps do not have`);
  }
  const response = spec.response ?? {};
  if (response.success?.length)
    notes.push(
      `${name}: success also depends on the body (${response.success.map((c) => [c.pointer].flat().join(' or ')).join(', ')}); the apps count any 2xx as success`,
    );
  if (response.error?.some((p) => p !== '/message'))
    notes.push(
      `${name}: the error text is at ${response.error.map((e) => (typeof e === 'string' ? e : e.join.join(' + '))).join(', ')}; the apps show a "message" field or the first 100 characters of the body`,
    );
  if (response.messages !== undefined)
    notes.push(
      `${name}: the provider's message list is mapped from its own format; the apps read only the Acrobits Fetch Messages format`,
    );
  if (response.fields !== undefined)
    notes.push(`${name}: the provider's answer is mapped from its own fields; the apps read only the Acrobits fields`);
  for (const text of [
    spec.url,
    spec.postData ?? '',
    JSON.stringify(body ?? ''),
    JSON.stringify(spec.headers ?? {}),
    JSON.stringify(spec.auth ?? {}),
  ]) {
    for (const ref of placeholders(parseTemplate(text))) {
      if (ref.kind === 'call' && !APP_FUNCTIONS.has(ref.fn))
        notes.push(`${name}: %${ref.fn}(…)% is not an Acrobits function (the apps have %sha1(…)% only)`);
      if (ref.kind === 'param' && !appParams.has(ref.name))
        notes.push(`${name}: %${ref.name}% is Switchboard's, not the apps' (they would send it empty)`);
    }
  }
  return keys;
}

/** The placeholder a connector option fills, empty (and its field left out) without it: the apps never have it. */
const OPTIONAL_CALLBACK = '%status_callback_url%';

/**
 * The structured body without what the apps cannot send: the fields that hold only the optional
 * status callback, and `{"$media": …}` attachments, which a message without them leaves out anyway (the
 * apps send pictures as file transfers in the text, never as the provider's media fields).
 */
function withoutOptionalCallbacks(body: unknown): unknown {
  if (Array.isArray(body)) return body.filter((item) => !isMedia(item)).map(withoutOptionalCallbacks);
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body)
      .filter(([, value]) => value !== OPTIONAL_CALLBACK && !isMedia(value))
      .map(([key, value]) => [key, withoutOptionalCallbacks(value)]),
  );
}

function isMedia(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && '$media' in value;
}

/** A structured body as Acrobits PostData text: JSON as is; a form as `key=%placeholder%&…` with literal text encoded. */
function bodyTemplate(body: unknown, contentType: string | undefined): string {
  if (contentType !== undefined && /json/i.test(contentType)) return JSON.stringify(body);
  return Object.entries(body as Record<string, unknown>)
    .map(([key, value]) => `${percentEncode(key)}=${formValueTemplate(String(value))}`)
    .join('&');
}

function formValueTemplate(template: string): string {
  return parseTemplate(template)
    .map((part) => (part.kind === 'literal' ? percentEncode(part.text) : part.source))
    .join('');
}
