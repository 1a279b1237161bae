/**
 * Errors of the HTTP API as RFC 9457 problem details (`application/problem+json`), each with a
 * stable `code` that clients match on; the codes are the enum of schemas/api-problem.schema.json.
 */
import type { FastifyReply } from 'fastify';
import type { ApiProblem } from 'switchboard/internal/generated/api-problem.js';

/** A stable problem code. */
export type ProblemCode = ApiProblem['code'];

/** The HTTP status and title of each code. */
export const PROBLEMS: Readonly<Record<ProblemCode, { status: number; title: string }>> = {
  UNAUTHORIZED: { status: 401, title: 'Missing or unknown API key' },
  NUMBER_NOT_ALLOWED: { status: 403, title: 'The number is not one of the key’s' },
  ACCOUNT_NOT_ALLOWED: { status: 403, title: 'The number sends through a provider account the key may not use' },
  VALIDATION_FAILED: { status: 400, title: 'The request does not match its schema' },
  INVALID_JSON: { status: 400, title: 'The body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body must be application/json' },
  BODY_TOO_LARGE: { status: 413, title: 'The body is too large' },
  CURSOR_INVALID: { status: 400, title: 'The cursor is not one this API gave' },
  MESSAGE_NOT_FOUND: { status: 404, title: 'No such message for this key' },
  NOT_FOUND: { status: 404, title: 'No such endpoint' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used with another request' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still being answered' },
  RATE_LIMITED: { status: 429, title: 'Too many requests for this key' },
  INTERNAL: { status: 500, title: 'The gateway failed; see its log' },
};

/** An API error a handler throws; the API's error handler answers it as a problem. */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly errors: ApiProblem['errors'];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ProblemCode,
    detail: string,
    extra: { errors?: ApiProblem['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }
}

/** The problem document of `code`. */
export function problem(code: ProblemCode, detail?: string, errors?: ApiProblem['errors']): ApiProblem {
  const { status, title } = PROBLEMS[code];
  return {
    type: 'about:blank',
    title,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
  };
}

/** Answers `reply` with the problem of `error`. */
export function sendProblem(reply: FastifyReply, error: ApiError): FastifyReply {
  const body = problem(error.code, error.message, error.errors);
  return reply.code(body.status).headers(error.headers).type('application/problem+json').send(body);
}
