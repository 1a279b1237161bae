/**
 * The OpenAPI 3.1 document of `/v1`, built from the API's JSON Schemas (schemas.ts): they become
 * its components, the query parameters of the list are the properties of its query schema, and
 * the problem codes are that schema's enum. Nothing here restates a field.
 */
import { PROBLEMS, type ProblemCode } from './problem.js';
import { apiSchemas, API_SCHEMAS, type ApiSchemaName, type JsonSchema } from './schemas.js';

/** The component name of a schema: its title (ApiSendRequest, …). */
function componentOf(name: ApiSchemaName): string {
  return String(apiSchemas()[name].title);
}

/** A schema as a component: no `$schema`/`$id`, and file references as component references. */
function asComponent(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asComponent);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === '$ref' && typeof value === 'string' && value.endsWith('.schema.json'))
      out.$ref = `#/components/schemas/${componentOf(value.replace('.schema.json', '') as ApiSchemaName)}`;
    else out[key] = asComponent(value);
  }
  return out;
}

const ref = (name: ApiSchemaName) => ({ $ref: `#/components/schemas/${componentOf(name)}` });
const json = (name: ApiSchemaName) => ({ 'application/json': { schema: ref(name) } });

/** Responses for the problems an operation may answer. */
function problems(...codes: ProblemCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of [...codes, 'UNAUTHORIZED', 'RATE_LIMITED', 'INTERNAL'] as ProblemCode[]) {
    const status = PROBLEMS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `${c}: ${PROBLEMS[c].title}`).join('; '),
        content: { 'application/problem+json': { schema: ref('api-problem') } },
        ...(status === 429
          ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
          : {}),
      },
    ]),
  );
}

/** The list's query parameters, one per property of its query schema. */
function queryParameters(): unknown[] {
  const query = apiSchemas()['api-list-query'];
  const properties = query.properties as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: false, description, schema: rest };
  });
}

/**
 * The document, for a gateway reached at `publicUrl`.
 * @example const doc = openApiDocument('https://sms.example.com');
 */
export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const schemas = Object.fromEntries(API_SCHEMAS.map((name) => [componentOf(name), asComponent(apiSchemas()[name])]));
  const idempotency = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Any string of up to 255 characters you choose per message batch. For 24 hours, the same key with the same body sends nothing again and returns the first answer; with another body it is refused (IDEMPOTENCY_KEY_REUSED).',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard gateway API',
      version: '1',
      description: 'Send SMS and read their status through the gateway’s provider accounts (docs/http-api.md).',
    },
    servers: [{ url: publicUrl }],
    security: [{ apiKey: [] }],
    paths: {
      '/v1/messages': {
        post: {
          operationId: 'sendMessages',
          summary: 'Send one text to one or more recipients',
          parameters: [idempotency],
          requestBody: { required: true, content: json('api-send-request') },
          responses: {
            '202': {
              description: 'Taken: one message per recipient, as they stand.',
              content: json('api-send-response'),
            },
            ...problems(
              'VALIDATION_FAILED',
              'INVALID_JSON',
              'NUMBER_NOT_ALLOWED',
              'ACCOUNT_NOT_ALLOWED',
              'IDEMPOTENCY_IN_PROGRESS',
              'BODY_TOO_LARGE',
              'UNSUPPORTED_MEDIA_TYPE',
              'IDEMPOTENCY_KEY_REUSED',
            ),
          },
        },
        get: {
          operationId: 'listMessages',
          summary: 'The key’s messages, oldest first, a page at a time',
          parameters: queryParameters(),
          responses: {
            '200': { description: 'A page.', content: json('api-message-page') },
            ...problems('VALIDATION_FAILED', 'CURSOR_INVALID', 'NUMBER_NOT_ALLOWED'),
          },
        },
      },
      '/v1/messages/{id}': {
        get: {
          operationId: 'getMessage',
          summary: 'One message with its status timeline',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } }],
          responses: {
            '200': { description: 'The message.', content: json('api-message') },
            ...problems('MESSAGE_NOT_FOUND'),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'The OpenAPI document.', content: { 'application/json': {} } } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'Authorization: Bearer sbk_<id>_<secret>, as `switchboard gateway api-key create` printed it.',
        },
      },
    },
  };
}
