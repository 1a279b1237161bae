/**
 * The one Ajv instance: every schema in schemas/ added once, validators compiled once, and Ajv's
 * errors turned into located issues a person can act on.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import type { ConfigIssue } from '../errors.js';
import { FORMATS } from './formats.js';
import { didYouMean } from './nearest.js';
import { packagePath } from './paths.js';
import { AJV_OPTIONS, SCHEMA_FILES, type SchemaName } from './schema-options.js';

/** A compiled schema: true when `data` is valid, else false with `errors` set. */
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The validators compiled when the package was built (schemas/compile-validators.mjs), when it
 * was: compiling the schemas here would take longer than the rest of a command like `render`.
 * Absent when running from src/ (the tests), where they are compiled on first use instead.
 */
const built = await loadBuilt();

async function loadBuilt(): Promise<Record<SchemaName, Validator> | undefined> {
  const file = './compiled-validators.js';
  try {
    const module = (await import(file)) as { NAMES: readonly SchemaName[] } & Record<string, Validator>;
    return Object.fromEntries(module.NAMES.map((name, i) => [name, module[`v${i}`]])) as Record<SchemaName, Validator>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Ajv itself, loaded only when there are no built validators. */
const ajvModule = built === undefined ? await import('ajv') : undefined;

let validators: Record<SchemaName, Validator> | undefined = built;

function compileAll(): Record<SchemaName, Validator> {
  const ajv = new ajvModule!.Ajv({ ...AJV_OPTIONS });
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  for (const name of SCHEMA_FILES) {
    ajv.addSchema(JSON.parse(readFileSync(packagePath('schemas', `${name}.schema.json`), 'utf8')) as object);
  }
  return Object.fromEntries(
    SCHEMA_FILES.map((name) => [name, ajv.getSchema(`${name}.schema.json`) as Validator]),
  ) as Record<SchemaName, Validator>;
}

/** Validates `value` against a schema; returns every problem, located. */
export function validateAgainst(name: SchemaName, value: unknown, file: string): ConfigIssue[] {
  validators ??= compileAll();
  const validate = validators[name];
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? [], file);
}

/** Turns Ajv errors into issues: branch noise of oneOf merged, one line per place. */
function describeErrors(errors: readonly ErrorObject[], file: string): ConfigIssue[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const pointer = pointerOf(error);
    byPath.set(pointer, [...(byPath.get(pointer) ?? []), error]);
  }
  const issues: ConfigIssue[] = [];
  for (const [pointer, group] of byPath) {
    const specific = group.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
    const deeper = [...byPath.keys()].some((p) => p !== pointer && p.startsWith(`${pointer}/`));
    if (specific.length === 0 && deeper) continue; // the deeper errors say more
    const types = specific.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
    const others = specific.filter((e) => e.keyword !== 'type');
    const messages = new Set(others.map(describe));
    // A value that fails a pattern or enum had the type of that branch of a oneOf; the other
    // branches' "must be array" says nothing about it.
    const typed = others.some((e) => !['required', 'additionalProperties'].includes(e.keyword));
    if (types.length > 0 && !typed) messages.add(`must be ${types.join(' or ').replace(/,/g, ' or ')}`);
    if (messages.size === 0) messages.add(group[0]?.message ?? 'is invalid');
    for (const message of messages) issues.push({ file, pointer, message, code: 'SCHEMA' });
  }
  return issues;
}

function pointerOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties')
    return `${error.instancePath}/${escape(String(error.params.additionalProperty))}`;
  if (error.keyword === 'required') return `${error.instancePath}/${escape(String(error.params.missingProperty))}`;
  return error.instancePath;
}

function escape(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** What the schemas' patterns mean, in words. */
const PATTERNS: Record<string, string> = {
  '^https?://': 'must start with http:// or https://',
  '^[A-Z]{2}$': 'must be a two-letter ISO 3166 country code in capitals, such as US',
  '^[a-z0-9][a-z0-9-]*$': 'must be lower-case letters, digits and dashes',
  '^(/.*)?$': 'must be a JSON Pointer such as /message or /messages/0/id',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'must be an environment variable name (letters, digits, _)',
  '^\\+[1-9][0-9]{1,14}$': 'must be a number in E.164: + and up to 15 digits, such as +15551230001',
  '^scrypt\\$[0-9]+\\$[0-9]+\\$[0-9]+\\$[A-Za-z0-9+/]+=*\\$[A-Za-z0-9+/]+=*$':
    'must be a hash made by `switchboard gateway hash-password` (scrypt$N$r$p$salt$hash)',
  '^postgres(ql)?://': 'must be a PostgreSQL URL such as postgres://user@host:5432/db',
  '^[^\\s]+$': 'must not contain spaces',
};

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required but missing';
    case 'additionalProperties':
      return `is not a known property${knownNearby(error) || ' (check the spelling; the schema lists the allowed ones)'}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return PATTERNS[String(p.pattern)] ?? `must match ${String(p.pattern)}`;
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'minProperties':
    case 'maxProperties':
      return 'must have exactly one comparison (equals, in, matches or exists) besides pointer';
    default:
      return error.message ?? 'is invalid';
  }
}

/** `; did you mean "contentType"?` for an unknown property close to one the schema allows. */
function knownNearby(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (properties === undefined) return '';
  return didYouMean(String(error.params.additionalProperty), Object.keys(properties));
}
