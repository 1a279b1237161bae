/**
 * The provider an Acrobits account defines itself: its web-service keys (`genericSmsSendUrl`, …)
 * turned into services, its other keys into account parameters. Numbers are sent as typed, as the
 * apps do, after the account's rewriting rules.
 */
import { probeProvider } from '../config/probe.js';
import { ownValue } from '../config/account-keys.js';
import { validateAgainst } from '../config/schemas.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { ProviderFile, ServiceSpec } from '../generated/provider.js';
import { compileProvider, type Provider } from '../provider/compile-provider.js';
import type { ServiceName } from '../provider/services.js';
import { parseTemplate, placeholders } from '../template/parse.js';
import {
  FIELDS,
  SECRET_KEYS,
  SERVICE_PREFIXES,
  keysFor,
  namesAccountKey,
  parseCustomHeaders,
  type Field,
} from './keys.js';

/** Whether the values define at least one web service. */
export function definesServices(values: Readonly<Record<string, string>>): boolean {
  return (Object.keys(SERVICE_PREFIXES) as ServiceName[]).some((s) => keysFor(s, 'Url').some((k) => values[k]));
}

/** Builds and compiles the provider the account's keys define; throws ConfigError naming the keys. */
export function inlineProvider(values: Readonly<Record<string, string>>, label: string): Provider {
  const keyOf = new Map<string, string>(); // provider pointer -> account key, for messages
  const secrets = new Set(SECRET_KEYS);
  const services = readServices(values, keyOf, secrets);
  if (services.sendMessage === undefined) {
    throw new ConfigError([
      {
        file: label,
        pointer: '/genericSmsSendUrl',
        message: 'is missing: the account defines no Send Message web service',
        code: 'SCHEMA',
      },
    ]);
  }
  const definition: ProviderFile = {
    id: 'acrobits-account',
    name: values.title ? `Acrobits account "${values.title}"` : 'Acrobits account',
    docs: 'https://doc.acrobits.net/api/client/send_message.html',
    parameters: Object.fromEntries(
      Object.keys(values).map((k) => [k, { description: `Account key ${k}`, required: false, secret: secrets.has(k) }]),
    ),
    numbers: { format: 'AS_TYPED', allowNonPhone: true },
    services: services as ProviderFile['services'],
  };
  const relabel = (issues: ConfigIssue[]) =>
    issues.map((i) => ({ ...i, file: label, pointer: keyPointer(i.pointer, keyOf) }));
  const schemaIssues = validateAgainst('provider', definition, label);
  if (schemaIssues.length > 0) throw new ConfigError(relabel(schemaIssues));
  const { provider, issues } = compileProvider(definition, label, 'any');
  const all = issues.length > 0 ? issues : [...missingKeys(services, values, label), ...probeProvider(provider)];
  if (all.length > 0) throw new ConfigError(relabel(all));
  return provider;
}

/** The services the keys define; `secrets` gains the keys an AuthPassword names. */
function readServices(
  values: Readonly<Record<string, string>>,
  keyOf: Map<string, string>,
  secrets: Set<string>,
): Partial<Record<ServiceName, ServiceSpec>> {
  const services: Partial<Record<ServiceName, ServiceSpec>> = {};
  for (const name of Object.keys(SERVICE_PREFIXES) as ServiceName[]) {
    const keyOfField = (suffix: Field): string | undefined => {
      const key = keysFor(name, suffix).find((k) => values[k] !== undefined && values[k] !== '');
      if (key !== undefined) keyOf.set(`/services/${name}/${FIELDS[suffix]}`, key);
      return key;
    };
    const field = (suffix: Field): string | undefined => {
      const key = keyOfField(suffix);
      return key === undefined ? undefined : values[key];
    };
    const url = field('Url');
    if (url === undefined) continue;
    const spec: ServiceSpec = { url };
    const postData = field('PostData');
    const contentType = field('ContentType');
    const method = field('Method');
    const headers = field('CustomHeaders');
    const user = field('AuthUsername');
    const password = passwordTemplate(keyOfField('AuthPassword'), values, secrets);
    if (postData !== undefined) spec.postData = postData;
    if (contentType !== undefined) spec.contentType = contentType;
    if (method !== undefined) spec.method = method.toUpperCase() as NonNullable<ServiceSpec['method']>;
    if (headers !== undefined) spec.headers = parseCustomHeaders(headers);
    // The apps answer whichever challenge the server sends, Basic or Digest.
    if (user !== undefined || password !== undefined)
      spec.auth = { type: 'digest', username: user ?? '', password: password ?? '' };
    services[name] = spec;
  }
  return services;
}

/**
 * The password as a template: the account key it names, or else its own key, so the value goes
 * out exactly as written, counts as a secret (masked, kept off plain http) and is never parsed.
 */
function passwordTemplate(
  key: string | undefined,
  values: Readonly<Record<string, string>>,
  secrets: Set<string>,
): string | undefined {
  if (key === undefined) return undefined;
  const value = values[key] as string;
  if (!namesAccountKey(value)) return `%account[${key}]%`;
  secrets.add(value.slice('%account['.length, -']%'.length));
  return value;
}

/** A service that reads `%account[KEY]%` needs KEY in the account; say which key uses which. */
function missingKeys(
  services: Partial<Record<ServiceName, ServiceSpec>>,
  values: Readonly<Record<string, string>>,
  label: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, spec] of Object.entries(services)) {
    for (const [field, text] of Object.entries(templatesOf(spec))) {
      for (const ref of placeholders(parseTemplate(text))) {
        if (ref.kind !== 'account' || ownValue(values, ref.key) !== undefined) continue;
        const pointer = `/services/${name}/${field}`;
        issues.push({
          file: label,
          pointer,
          message: `uses %account[${ref.key}]%, but the account has no ${ref.key}; add <${ref.key}>…</${ref.key}> (or "${ref.key}" in JSON)`,
          code: 'ACCOUNT_MISSING_VALUE',
        });
      }
    }
  }
  return issues.filter(
    (issue, i) => issues.findIndex((o) => o.pointer === issue.pointer && o.message === issue.message) === i,
  );
}

function templatesOf(spec: ServiceSpec): Record<string, string> {
  const out: Record<string, string> = { url: spec.url };
  if (spec.postData !== undefined) out.postData = spec.postData;
  if (spec.headers !== undefined) out.headers = Object.values(spec.headers).join('\n');
  if (spec.auth?.type === 'basic' || spec.auth?.type === 'digest') {
    out['auth/username'] = spec.auth.username;
    out['auth/password'] = spec.auth.password;
  }
  return out;
}

function keyPointer(pointer: string, keyOf: Map<string, string>): string {
  for (const [prefix, key] of keyOf) if (pointer === prefix || pointer.startsWith(`${prefix}/`)) return `/${key}`;
  return pointer;
}
