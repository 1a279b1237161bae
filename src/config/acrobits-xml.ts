/**
 * Reads an Acrobits Account XML document. Its keys become account values, its `<rewriting>` rules
 * the account's rules, and its web-service keys (`genericSmsSendUrl`, `genericSmsPostData`, ...)
 * an inline provider, so the document works unchanged without a separate provider file.
 */
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { ProviderFile, ServiceSpec } from '../generated/provider.js';
import type { RewritingRule } from '../generated/rewriting.js';
import { compileProvider } from '../provider/compile-provider.js';
import type { ServiceName } from '../provider/services.js';
import { parseXml, xmlProblem } from '../response/xml.js';
import type { Account } from './account.js';
import { probeProvider } from './probe.js';
import { validateAgainst } from './schemas.js';

/** Key prefixes of each web service, most specific first (`genericSmsSend…` is tolerated for Send Message). */
const SERVICE_PREFIXES: Readonly<Record<ServiceName, readonly string[]>> = {
  sendMessage: ['genericSmsSend', 'genericSms'],
  fetchMessages: ['genericSmsFetch'],
  balanceCheck: ['genericBalanceCheck'],
  rateCheck: ['genericRateCheck'],
  pushTokenReporter: ['pushTokenReporter'],
};
const FIELDS = ['Url', 'PostData', 'ContentType', 'Method', 'CustomHeaders', 'AuthUsername', 'AuthPassword'] as const;
const SECRET_KEY = /password|secret|token/i;

/** Builds an account, with its inline provider, from Account XML text. */
export function accountFromXml(text: string, label: string): Account {
  const problem = xmlProblem(text);
  if (problem) throw new ConfigError([{ file: label, pointer: '', line: problem.line, message: `not well-formed XML: ${problem.message}`, code: 'SYNTAX' }]);
  if (/<!ENTITY/i.test(text)) {
    throw new ConfigError([{ file: label, pointer: '', message: 'declares DOCTYPE entities; Account XML may not (entities are never expanded)', code: 'SYNTAX' }]);
  }
  const document = parseXml(text) as Record<string, unknown>;
  const root = Object.values(document).find((v) => v !== null && typeof v === 'object') as Record<string, unknown> | undefined;
  if (root === undefined) throw new ConfigError([{ file: label, pointer: '', message: 'has no account element with keys inside', code: 'SCHEMA' }]);

  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(root)) {
    if (key !== 'rewriting' && !key.startsWith('@') && typeof value === 'string') values[key] = value.trim();
  }
  const rewriting = readRewriting(root.rewriting, label);
  const keyOf = new Map<string, string>(); // provider pointer -> Account XML key, for messages
  const services = readServices(values, keyOf);
  const definition: ProviderFile = {
    id: 'acrobits-account',
    name: values.title ? `Acrobits account "${values.title}"` : 'Acrobits account',
    docs: 'https://doc.acrobits.net/api/client/send_message.html',
    parameters: Object.fromEntries(Object.keys(values).map((k) => [k, { description: `Account XML key ${k}`, secret: SECRET_KEY.test(k) }])),
    numbers: { format: 'AS_TYPED', allowNonPhone: true },
    services: services as ProviderFile['services'],
  };
  if (services.sendMessage === undefined) {
    throw new ConfigError([{ file: label, pointer: '/genericSmsSendUrl', message: 'is missing: the account defines no Send Message web service', code: 'SCHEMA' }]);
  }
  const relabel = (issues: ConfigIssue[]) => issues.map((i) => ({ ...i, file: label, pointer: keyPointer(i.pointer, keyOf) }));
  const schemaIssues = validateAgainst('provider', definition, label);
  if (schemaIssues.length > 0) throw new ConfigError(relabel(schemaIssues));
  const { provider, issues } = compileProvider(definition, label, 'any');
  const all = issues.length > 0 ? issues : probeProvider(provider);
  if (all.length > 0) throw new ConfigError(relabel(all));
  return { source: label, provider: undefined, inlineProvider: provider, values, defaultCountry: undefined, rewriting, allowInsecureSecrets: false };
}

function readServices(values: Record<string, string>, keyOf: Map<string, string>): Partial<Record<ServiceName, ServiceSpec>> {
  const services: Partial<Record<ServiceName, ServiceSpec>> = {};
  for (const [name, prefixes] of Object.entries(SERVICE_PREFIXES) as [ServiceName, readonly string[]][]) {
    const field = (suffix: (typeof FIELDS)[number]): string | undefined => {
      for (const prefix of prefixes) {
        const value = values[prefix + suffix];
        if (value !== undefined && value !== '') {
          keyOf.set(`/services/${name}/${pointerField(suffix)}`, prefix + suffix);
          return value;
        }
      }
      return undefined;
    };
    const url = field('Url');
    if (url === undefined) continue;
    const spec: ServiceSpec = { url };
    const postData = field('PostData');
    const contentType = field('ContentType');
    const method = field('Method');
    const headers = field('CustomHeaders');
    const user = field('AuthUsername');
    const password = field('AuthPassword');
    if (postData !== undefined) spec.postData = postData;
    if (contentType !== undefined) spec.contentType = contentType;
    if (method !== undefined) spec.method = method.toUpperCase() as NonNullable<ServiceSpec['method']>;
    if (headers !== undefined) spec.headers = parseCustomHeaders(headers);
    // Acrobits answers whichever challenge the server sends, Basic or Digest.
    if (user !== undefined || password !== undefined) spec.auth = { type: 'digest', username: user ?? '', password: password ?? '' };
    services[name] = spec;
  }
  return services;
}

function pointerField(suffix: string): string {
  const map: Record<string, string> = { Url: 'url', PostData: 'postData', ContentType: 'contentType', Method: 'method', CustomHeaders: 'headers', AuthUsername: 'auth', AuthPassword: 'auth' };
  return map[suffix] ?? suffix;
}

/** `Name: value` per line; real newlines and a literal `\n` both separate lines. */
export function parseCustomHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n|\\n/)) {
    const colon = line.indexOf(':');
    if (line.trim() === '' || colon < 1) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function keyPointer(pointer: string, keyOf: Map<string, string>): string {
  for (const [prefix, key] of keyOf) if (pointer === prefix || pointer.startsWith(`${prefix}/`)) return `/${key}`;
  return pointer;
}

/** Reads `<rewriting><rule><conditions><condition type param/>…` into JSON rules. */
function readRewriting(node: unknown, label: string): RewritingRule[] | undefined {
  if (node === undefined || node === '') return undefined;
  const list = (value: unknown): Record<string, unknown>[] =>
    value === undefined || value === '' ? [] : (Array.isArray(value) ? value : [value]).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
  const attrs = (item: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(item).filter(([k]) => k.startsWith('@')).map(([k, v]) => [k.slice(1), String(v)]));
  const rules = list((node as Record<string, unknown>).rule).map((rule) => ({
    conditions: list(list(rule.conditions)[0]?.condition).map(attrs),
    actions: list(list(rule.actions)[0]?.action).map(attrs),
  }));
  const issues = validateAgainst('rewriting', rules, label).map((i) => ({ ...i, pointer: `/rewriting${i.pointer}`, message: `rule ${ruleNumber(i.pointer)}: ${i.message}` }));
  if (issues.length > 0) throw new ConfigError(issues);
  return rules as unknown as RewritingRule[];
}

function ruleNumber(pointer: string): string {
  const index = /^\/(\d+)/.exec(pointer)?.[1];
  return index === undefined ? '?' : `#${Number(index) + 1}`;
}
