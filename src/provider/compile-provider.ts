/**
 * Turns a schema-valid provider file into a Provider: every service compiled with the names its
 * templates may use. Problems are returned with their JSON pointers, never thrown here.
 */
import type { ConfigIssue } from '../errors.js';
import type { ParameterSpec, ProviderFile } from '../generated/provider.js';
import type { KnownNames } from '../template/compile.js';
import { compileService, type CompiledService } from './compile-service.js';
import { GLOBAL_PARAMS, SERVICE_PARAMS, type ServiceName } from './services.js';

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
  const secrets = new Set(Object.entries(file.parameters).filter(([, p]) => p.secret).map(([name]) => name));
  const services: Partial<Record<ServiceName, CompiledService>> = {};
  for (const [name, spec] of Object.entries(file.services) as [ServiceName, NonNullable<ProviderFile['services'][ServiceName]>][]) {
    const known: KnownNames = { params: [...SERVICE_PARAMS[name], ...GLOBAL_PARAMS], accountKeys, secrets };
    const { service, problems } = compileService(spec, known);
    for (const p of problems) {
      issues.push({ file: source, pointer: `/services/${name}${p.pointer}`, message: p.message, code: problemCode(p.message) });
    }
    services[name] = service;
  }
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
    definition: file,
  };
  return { provider, issues };
}

function problemCode(message: string): string {
  if (message.startsWith('unknown placeholder') || message.includes('does not declare')) return 'TEMPLATE_UNKNOWN_PLACEHOLDER';
  if (message.startsWith('unknown function')) return 'TEMPLATE_UNKNOWN_FUNCTION';
  return 'TEMPLATE_INVALID';
}
