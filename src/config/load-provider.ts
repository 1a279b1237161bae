/**
 * Loads a provider by built-in id or file path: parse, validate against the schema, compile every
 * template. Throws a ConfigError holding every problem at once.
 */
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ConfigError, NotFoundError, type ConfigIssue } from '../errors.js';
import type { ProviderFile } from '../generated/provider.js';
import { compileProvider, type Provider } from '../provider/compile-provider.js';
import { PROVIDERS_DIR } from './paths.js';
import { parseJson, readText } from './read-file.js';
import { validateAgainst } from './schemas.js';
import { probeProvider } from './probe.js';
import { webhookIssues } from '../webhook/compile-webhooks.js';

/** Whether `ref` names a file rather than a built-in id. */
export function isPath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
}

/**
 * Loads a provider: a built-in id (see `builtinProviderIds()`) or a path to a provider file.
 * @example const provider = await loadProvider('providers/acme.json');
 */
export async function loadProvider(ref: string): Promise<Provider> {
  const file = isPath(ref) ? resolve(ref) : join(PROVIDERS_DIR, `${ref}.json`);
  let text: string;
  try {
    text = await readText(file, 'provider');
  } catch (error) {
    if (isPath(ref) || !(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(
      `no built-in provider "${ref}"; built in: ${(await builtinProviderIds()).join(', ')} (or give a path to a provider file)`,
    );
  }
  return providerFromText(text, isPath(ref) ? ref : `providers/${ref}.json`);
}

/** Parses, validates and compiles provider JSON text; `label` names it in errors. */
function providerFromText(text: string, label: string): Provider {
  const parsed = parseJson(text, label);
  if ('issue' in parsed) throw new ConfigError([parsed.issue]);
  return providerFromValue(parsed.value, label);
}

/** Validates and compiles an already parsed provider file. */
export function providerFromValue(value: unknown, label: string): Provider {
  const schemaIssues = validateAgainst('provider', value, label);
  if (schemaIssues.length > 0) throw new ConfigError([...schemaIssues, ...templateIssues(value, label, schemaIssues)]);
  const definition = value as ProviderFile;
  const issues: ConfigIssue[] = [];
  const expectedId = basename(label, '.json');
  if (label.endsWith('.json') && definition.id !== expectedId) {
    issues.push({
      file: label,
      pointer: '/id',
      message: `is "${definition.id}" but the file is named ${expectedId}.json; they must be equal`,
      code: 'SCHEMA',
    });
  }
  const { provider, issues: compileIssues } = compileProvider(definition, label);
  issues.push(...compileIssues, ...webhookIssues(definition, label));
  if (issues.length === 0) issues.push(...probeProvider(provider));
  if (issues.length > 0) throw new ConfigError(issues);
  return provider;
}

/**
 * The template problems of the services the schema found nothing wrong in, so a file with schema
 * problems still shows every problem in one run. Best effort: a file too broken to compile adds none.
 */
function templateIssues(value: unknown, label: string, schemaIssues: readonly ConfigIssue[]): ConfigIssue[] {
  const file = value as Partial<ProviderFile> | null;
  const broken = (pointer: string) =>
    schemaIssues.some(
      (i) => i.pointer === pointer || i.pointer.startsWith(`${pointer}/`) || pointer.startsWith(`${i.pointer}/`),
    );
  if (file === null || typeof file !== 'object' || typeof file.services !== 'object' || file.services === null)
    return [];
  // Without sound parameters or derived values, every placeholder would look unknown.
  if (typeof file.parameters !== 'object' || file.parameters === null || broken('/parameters') || broken('/derived'))
    return [];
  const services = Object.fromEntries(Object.entries(file.services).filter(([name]) => !broken(`/services/${name}`)));
  try {
    const { rateLimits: _unchecked, ...rest } = file;
    const { issues } = compileProvider({ ...rest, services } as ProviderFile, label);
    return issues.filter((i) => i.pointer.startsWith('/services/'));
  } catch {
    return [];
  }
}

/** The ids of the built-in providers, sorted. */
export async function builtinProviderIds(): Promise<string[]> {
  const files = await readdir(PROVIDERS_DIR);
  return files
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}
