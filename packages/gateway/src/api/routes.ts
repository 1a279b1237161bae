/**
 * The HTTP API under `/v1` (docs/http-api.md): its own Fastify scope, so its errors are problem
 * documents while the app's stay `{"message"}`. Every request but the OpenAPI document's names an
 * API key (Bearer), checked before its body is read, then counted against the key's rate limit.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../app/context.js';
import { pathOf } from '../ops/log-options.js';
import { apiStore } from './api-store.js';
import { getMessage, listMessages, postMessages } from './handlers.js';
import { createKeyAuthenticator, type ApiKeyConfig } from './keys.js';
import { openApiDocument } from './openapi.js';
import { ApiError, sendProblem } from './problem.js';
import { createKeyLimiter } from './rate-limit.js';
import { compileApiSchemas } from './schemas.js';

/** Largest body of an API request: 100 recipients and 1600 characters fit many times over. */
export const API_BODY_BYTES = 32 * 1024;

/** Longest Idempotency-Key. */
const IDEMPOTENCY_KEY_CHARS = 255;

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key of a `/v1` request, once authenticated. */
    apiKey?: ApiKeyConfig;
  }
}

/** Registers `/v1` on `app`. */
export function registerApiRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  compileApiSchemas();
  const api = apiStore(ctx.store.sql);
  const authenticate = createKeyAuthenticator(ctx.config.apiKeys ?? []);
  const take = createKeyLimiter();
  const document = JSON.stringify(openApiDocument(ctx.config.publicUrl));
  const forget = setInterval(() => {
    api.forgetExpired().catch((error: unknown) => {
      ctx.log.error({ err: String(error) }, 'forgetting old Idempotency-Keys failed');
    });
  }, 3_600_000);
  forget.unref();
  app.addHook('onClose', async () => clearInterval(forget));

  void app.register(
    async (scope) => {
      scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) =>
        sendProblem(reply, asApiError(error, ctx, request)),
      );
      scope.setNotFoundHandler((request, reply) =>
        sendProblem(reply, new ApiError('NOT_FOUND', `no endpoint ${request.method} ${pathOf(request.url)}`)),
      );
      scope.addHook('onRequest', async (request) => {
        if (request.routeOptions.url === '/v1/openapi.json') return;
        const check = await authenticate(request.headers.authorization, request.ip);
        if (check !== undefined && 'retryAfterSeconds' in check)
          throw new ApiError('RATE_LIMITED', 'too many wrong keys lately; wait before trying again', {
            headers: { 'retry-after': String(check.retryAfterSeconds) },
          });
        const key = check?.key;
        if (key === undefined)
          throw new ApiError(
            'UNAUTHORIZED',
            'send Authorization: Bearer <key>, a key made by `gateway api-key create`',
            {
              headers: { 'www-authenticate': 'Bearer' },
            },
          );
        const wait = take(key);
        if (wait > 0)
          throw new ApiError(
            'RATE_LIMITED',
            `this key may make ${key.rateLimit.requests} requests per ${key.rateLimit.perSeconds} s`,
            {
              headers: { 'retry-after': String(wait) },
            },
          );
        request.apiKey = key;
      });
      scope.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(document));
      scope.post('/messages', { bodyLimit: API_BODY_BYTES }, async (request, reply) => {
        if (!isJson(request)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
        const answered = await postMessages(ctx, api, keyOf(request), request.body, idempotencyKey(request));
        if (answered.replayed) void reply.header('idempotent-replayed', 'true');
        return reply.code(answered.status).type('application/json').send(answered.body);
      });
      scope.get('/messages', async (request) =>
        listMessages(api, keyOf(request), request.query as Record<string, unknown>),
      );
      scope.get('/messages/:id', async (request) =>
        getMessage(api, keyOf(request), (request.params as { id: string }).id),
      );
    },
    { prefix: '/v1' },
  );
}

function keyOf(request: FastifyRequest): ApiKeyConfig {
  if (request.apiKey === undefined) throw new ApiError('UNAUTHORIZED', 'no API key');
  return request.apiKey;
}

function isJson(request: FastifyRequest): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(request.headers['content-type'] ?? '');
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > IDEMPOTENCY_KEY_CHARS)
    throw new ApiError('VALIDATION_FAILED', 'the Idempotency-Key header is not usable', {
      errors: [
        {
          pointer: '/headers/Idempotency-Key',
          message: `must be one value of 1 to ${IDEMPOTENCY_KEY_CHARS} characters`,
        },
      ],
    });
  return value;
}

/** Fastify's own errors (body parsing, limits) as API problems; anything unforeseen is logged, answered 500. */
function asApiError(
  error: Error & { statusCode?: number; code?: string },
  ctx: GatewayContext,
  request: FastifyRequest,
): ApiError {
  if (error instanceof ApiError) return error;
  if (error.statusCode === 413)
    return new ApiError('BODY_TOO_LARGE', `the body may be at most ${API_BODY_BYTES} bytes`);
  if (error.statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  if (error.statusCode === 400 && error.code?.startsWith('FST_ERR_CTP') === true)
    return new ApiError('INVALID_JSON', 'the body is not valid JSON');
  ctx.log.error({ route: pathOf(request.url), err: error.message }, 'API request failed');
  return new ApiError('INTERNAL', 'the gateway failed; see its log');
}
