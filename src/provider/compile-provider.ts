/**
 * Turns a schema-valid provider file into a Provider: every service compiled with the names its
 * templates may use. Problems are returned with their JSON pointers, never thrown here.
 */
import type { ConfigIssue } from '../errors.js';
import type { MediaRules, ParameterSpec, ProviderFile } from '../generated/provider.js';
import { compileTemplate, type CompiledTemplate, type KnownNames } from '../template/compile.js';
import { compileService, type CompiledService } from './compile-service.js';
import { GLOBAL_PARAMS, MEDIA_PARAMS, SERVICE_PARAMS, type ServiceName } from './services.js';

/**
 * A parameter computed by looking up the value of a template. The values it maps to are templates
 * too, rendered without escaping, so a lookup can choose between two renderings of the message
 * (its text, or the text as hex) as well as between constants.
 */
export interface DerivedParameter {
  readonly from: CompiledTemplate;
  readonly map: Readonly<Record<string, CompiledTemplate>>;
  readonly default: CompiledTemplate | undefined;
}

/** A rate limit with its key template compiled. */
export interface CompiledRateLimit {
  readonly key: CompiledTemplate;
  readonly amount: number;
  readonly windowMs: number;
  readonly countParts: boolean;
}

/** A loaded provider, ready for connectors. */
export interface Provider {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly docs: string;
  /** The file it was loaded from, or a label such as `account.xml` for an Acrobits account. */
  readonly source: string;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly numbers: ProviderFile['numbers'];
  readonly allowInsecureSecrets: boolean;
  readonly services: Readonly<Partial<Record<ServiceName, CompiledService>>>;
  /** Parameters computed by lookup (`derived` in the file), by name. */
  readonly derived: ReadonlyMap<string, DerivedParameter>;
  /** What media the provider takes (`media` in the file); undefined: none. */
  readonly media: MediaRules | undefined;
  /** The service that sends a message with attachments when it is not sendMessage (`media.service`). */
  readonly mediaService: CompiledService | undefined;
  /** Documented rate limits, held before each Send Message request. */
  readonly rateLimits: readonly CompiledRateLimit[];
  /** The file as written, for tools that show or export it. */
  readonly definition: ProviderFile;
}

/** Compiles `file`; `accountKeys` is `'any'` for providers that come from an Acrobits account. */
export function compileProvider(
  file: ProviderFile,
  source: string,
  accountKeys: readonly string[] | 'any' = Object.keys(file.parameters),
): { provider: Provider; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const secrets = new Set(
    Object.entries(file.parameters)
      .filter(([, p]) => p.secret)
      .map(([name]) => name),
  );
  const derived = compileDerived(file, accountKeys, secrets, issues, source);
  const services: Partial<Record<ServiceName, CompiledService>> = {};
  for (const [name, spec] of Object.entries(file.services) as [
    ServiceName,
    NonNullable<ProviderFile['services'][ServiceName]>,
  ][]) {
    const known: KnownNames = {
      params: [...SERVICE_PARAMS[name], ...GLOBAL_PARAMS, ...derived.keys()],
      accountKeys,
      secrets,
    };
    const { service, problems } = compileService(spec, known);
    for (const p of problems) {
      issues.push({
        file: source,
        pointer: `/services/${name}${p.pointer}`,
        message: p.message,
        code: problemCode(p.message),
      });
    }
    if (spec.idempotent && !service.params.has('message_id')) {
      issues.push({
        file: source,
        pointer: `/services/${name}/idempotent`,
        message:
          'is true, but the service never sends %message_id%; put it in the idempotency-key header or client-reference field the provider deduplicates on',
        code: 'SCHEMA',
      });
    }
    services[name] = withDerivedInputs(service, derived);
  }
  const compiledMedia = compileMediaService(file, accountKeys, secrets, derived, issues, source);
  const mediaService = compiledMedia && withDerivedInputs(compiledMedia, derived);
  issues.push(...mediaIssues(file, services.sendMessage, mediaService, source));
  const provider: Provider = {
    id: file.id,
    name: file.name,
    description: file.description,
    docs: file.docs,
    source,
    parameters: file.parameters,
    numbers: file.numbers,
    allowInsecureSecrets: file.allowInsecureSecrets ?? false,
    services,
    derived,
    media: file.media,
    mediaService,
    rateLimits: compileRateLimits(file, accountKeys, secrets, issues, source),
    definition: file,
  };
  return { provider, issues };
}

/**
 * The service's parameters with those its derived parameters read: a value the connector makes only
 * for services that use it (`%message_id%`, `%status_callback_url%`) must be made when a derived
 * parameter of the service is computed from it.
 */
function withDerivedInputs(service: CompiledService, derived: ReadonlyMap<string, DerivedParameter>): CompiledService {
  const inputs = [...derived]
    .filter(([name]) => service.params.has(name))
    .flatMap(([, d]) =>
      [d.from, ...Object.values(d.map), ...(d.default ? [d.default] : [])].flatMap((t) => [...t.params]),
    );
  if (inputs.every((p) => service.params.has(p))) return service;
  return { ...service, params: new Set([...service.params, ...inputs]) };
}

/** Compiles `media.service`, which takes the Send Message parameters. */
function compileMediaService(
  file: ProviderFile,
  accountKeys: readonly string[] | 'any',
  secrets: ReadonlySet<string>,
  derived: ReadonlyMap<string, DerivedParameter>,
  issues: ConfigIssue[],
  source: string,
): CompiledService | undefined {
  const spec = file.media?.service;
  if (spec === undefined) return undefined;
  const known = { params: [...SERVICE_PARAMS.sendMessage, ...GLOBAL_PARAMS, ...derived.keys()], accountKeys, secrets };
  const { service, problems } = compileService(spec, known);
  for (const p of problems)
    issues.push({
      file: source,
      pointer: `/media/service${p.pointer}`,
      message: p.message,
      code: problemCode(p.message),
    });
  return service;
}

/**
 * Media rules and media templates go together: rules without a template that places the
 * attachments would drop them silently, and a template reading them without rules would never
 * be given any (a provider without rules takes no media).
 */
function mediaIssues(
  file: ProviderFile,
  sendMessage: CompiledService | undefined,
  mediaService: CompiledService | undefined,
  source: string,
): ConfigIssue[] {
  const readsMedia = (service: CompiledService | undefined) =>
    service !== undefined && MEDIA_PARAMS.some((name) => name !== 'media_count' && service.params.has(name));
  const places = readsMedia(mediaService ?? sendMessage);
  if (file.media !== undefined && !places)
    return [
      {
        file: source,
        pointer: mediaService ? '/media/service' : '/services/sendMessage',
        message:
          'places no attachment, yet the provider declares media rules: use %media_url% or a {"$media": ...} node in the body',
        code: 'SCHEMA',
      },
    ];
  if (file.media === undefined && readsMedia(sendMessage))
    return [
      {
        file: source,
        pointer: '/media',
        message:
          'is missing, yet sendMessage places attachments: declare the media rules (at least {}) so messages carry media',
        code: 'SCHEMA',
      },
    ];
  return [];
}

/** Compiles the `derived` lookups; their templates may use any service or global parameter. */
function compileDerived(
  file: ProviderFile,
  accountKeys: readonly string[] | 'any',
  secrets: ReadonlySet<string>,
  issues: ConfigIssue[],
  source: string,
): Map<string, DerivedParameter> {
  const derived = new Map<string, DerivedParameter>();
  const reserved = new Set<string>([...Object.values(SERVICE_PARAMS).flat(), ...GLOBAL_PARAMS]);
  const params = [...reserved];
  for (const [name, spec] of Object.entries(file.derived ?? {})) {
    if (reserved.has(name)) {
      issues.push({
        file: source,
        pointer: `/derived/${name}`,
        message: `%${name}% is already a parameter of the engine; choose another name`,
        code: 'SCHEMA',
      });
      continue;
    }
    const compile = (text: string, pointer: string) => {
      const { template, problems } = compileTemplate(text, 'raw', { params, accountKeys, secrets });
      for (const message of problems)
        issues.push({ file: source, pointer: `/derived/${name}${pointer}`, message, code: problemCode(message) });
      return template;
    };
    const map: Record<string, CompiledTemplate> = Object.create(null) as Record<string, CompiledTemplate>;
    for (const [key, value] of Object.entries(spec.map)) map[key] = compile(value, `/map/${escapePointer(key)}`);
    derived.set(name, {
      from: compile(spec.from, '/from'),
      map,
      default: spec.default === undefined ? undefined : compile(spec.default, '/default'),
    });
  }
  return derived;
}

/** Compiles the rate limits' key templates; they may use the Send Message and global parameters. */
function compileRateLimits(
  file: ProviderFile,
  accountKeys: readonly string[] | 'any',
  secrets: ReadonlySet<string>,
  issues: ConfigIssue[],
  source: string,
): CompiledRateLimit[] {
  return (file.rateLimits ?? []).map((limit, i) => {
    const { template, problems } = compileTemplate(limit.key, 'raw', {
      params: [...SERVICE_PARAMS.sendMessage, ...GLOBAL_PARAMS],
      accountKeys,
      secrets,
    });
    for (const message of problems)
      issues.push({ file: source, pointer: `/rateLimits/${i}/key`, message, code: problemCode(message) });
    return {
      key: template,
      amount: limit.requests,
      windowMs: limit.perSeconds * 1000,
      countParts: limit.count === 'parts',
    };
  });
}

function problemCode(message: string): string {
  if (message.startsWith('unknown placeholder') || message.includes('does not declare'))
    return 'TEMPLATE_UNKNOWN_PLACEHOLDER';
  if (message.startsWith('unknown function')) return 'TEMPLATE_UNKNOWN_FUNCTION';
  return 'TEMPLATE_INVALID';
}

/** `key` as one JSON Pointer segment (RFC 6901). */
function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
