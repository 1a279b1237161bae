/**
 * The one Ajv instance: every schema in schemas/ added once, validators compiled once, and Ajv's
 * errors turned into located issues a person can act on.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigIssue } from '../errors.js';
import { didYouMean } from './nearest.js';
import { packagePath } from './paths.js';

const SCHEMA_FILES = ['rewriting', 'provider', 'account', 'fixture', 'routes', 'webhook-fixture', 'gateway'] as const;
type SchemaName = (typeof SCHEMA_FILES)[number];

let validators: Record<SchemaName, ValidateFunction> | undefined;

function compileAll(): Record<SchemaName, ValidateFunction> {
  // strictRequired off: an anyOf branch may require a property declared by its parent. verbose: an
  // unknown property's error carries its schema, whose property names give the "did you mean".
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
  ajv.addFormat('regex', { validate: isRegex });
  for (const name of SCHEMA_FILES) {
    ajv.addSchema(JSON.parse(readFileSync(packagePath('schemas', `${name}.schema.json`), 'utf8')) as object);
  }
  const get = (name: SchemaName) => ajv.getSchema(`${name}.schema.json`) as ValidateFunction;
  return {
    rewriting: get('rewriting'),
    provider: get('provider'),
    account: get('account'),
    fixture: get('fixture'),
    routes: get('routes'),
    'webhook-fixture': get('webhook-fixture'),
    gateway: get('gateway'),
  };
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
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
