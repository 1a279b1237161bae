/**
 * The API's JSON Schemas (schemas/api-*.schema.json, the engine package's), read once: they
 * validate the requests here and are the components of the OpenAPI document (openapi.ts), so the
 * document cannot describe anything the gateway does not check.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { packagePath } from 'switchboard/internal/config/paths.js';
import type { ApiProblem } from 'switchboard/internal/generated/api-problem.js';

/** Every API schema, by file name without `.schema.json`. */
export const API_SCHEMAS = [
  'api-send-request',
  'api-send-response',
  'api-message',
  'api-message-page',
  'api-status-change',
  'api-list-query',
  'api-problem',
] as const;

/** One API schema's name. */
export type ApiSchemaName = (typeof API_SCHEMAS)[number];

/** A JSON Schema as read. */
export type JsonSchema = Record<string, unknown>;

let loaded: Record<ApiSchemaName, JsonSchema> | undefined;

/** The schemas as their files hold them. */
export function apiSchemas(): Record<ApiSchemaName, JsonSchema> {
  loaded ??= Object.fromEntries(
    API_SCHEMAS.map((name) => [
      name,
      JSON.parse(readFileSync(packagePath('schemas', `${name}.schema.json`), 'utf8')) as JsonSchema,
    ]),
  ) as Record<ApiSchemaName, JsonSchema>;
  return loaded;
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let validators: Partial<Record<ApiSchemaName, Validate>> | undefined;

/** Compiles the schemas once; the gateway calls it at start, so a broken schema fails then. */
export function compileApiSchemas(): void {
  if (validators !== undefined) return;
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const schema of Object.values(apiSchemas())) ajv.addSchema(schema);
  validators = Object.fromEntries(API_SCHEMAS.map((name) => [name, ajv.getSchema(`${name}.schema.json`) as Validate]));
}

/** Every problem of `value` against schema `name`, located by JSON Pointer; empty when valid. */
export function issuesOf(name: ApiSchemaName, value: unknown): NonNullable<ApiProblem['errors']> {
  compileApiSchemas();
  const validate = validators?.[name] as Validate;
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => ({ pointer: pointerOf(error), message: describe(error) }));
}

function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${String(params.additionalProperty)}`;
  if (error.keyword === 'required') return `${error.instancePath}/${String(params.missingProperty)}`;
  return error.instancePath;
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not a known property';
  if (error.keyword === 'required') return 'is required but missing';
  if (error.keyword === 'pattern' && String((error.params as { pattern: unknown }).pattern).startsWith('^\\+[1-9]'))
    return 'must be a number in E.164: + and up to 15 digits, such as +15551230001';
  return error.message ?? 'is invalid';
}
