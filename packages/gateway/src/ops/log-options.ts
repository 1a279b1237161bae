/**
 * The gateway's logger options: Fastify's pino, with requests logged by path only. A webhook URL's
 * query may carry a provider's shared secret (`urlSecret` verification), and a log line is the
 * easiest place to lose one, so no URL query is ever logged.
 */
import type { FastifyServerOptions } from 'fastify';

/** A path without its query or fragment. */
export function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

import type { FastifyRequest } from 'fastify';

/** `logger` with a request serializer that drops queries (false stays false). */
export function safeLogger(logger: FastifyServerOptions['logger']): NonNullable<FastifyServerOptions['logger']> {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    serializers: {
      ...options.serializers,
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: pathOf(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}
