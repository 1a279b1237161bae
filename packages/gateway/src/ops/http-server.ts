/**
 * The gateway's HTTP server, made by us (Fastify's `serverFactory`) so that its own timeouts hold:
 * a client dripping headers or a body byte by byte is cut off after `requestMs` (slowloris). On
 * Node 20 Fastify's `requestTimeout` alone did not close such a connection; `node:http` checks its
 * timeouts every `connectionsCheckingInterval` (30 s by default), so we check every second.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Timeouts of the gateway's HTTP server, ms. */
export interface ServerTimeouts {
  /** A whole request (headers and body) must arrive within this. Default 30000. */
  readonly requestMs?: number;
  /** The headers must arrive within this. Default 10000 (at most `requestMs`). */
  readonly headersMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5000. */
  readonly keepAliveMs?: number;
}

/** A Fastify `serverFactory` for a server with `timeouts`. */
export function serverWithTimeouts(
  timeouts: ServerTimeouts = {},
): (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server {
  const requestMs = timeouts.requestMs ?? 30_000;
  const headersMs = Math.min(timeouts.headersMs ?? 10_000, requestMs);
  return (handler) => {
    const server = createServer(
      {
        requestTimeout: requestMs,
        headersTimeout: headersMs,
        keepAliveTimeout: timeouts.keepAliveMs ?? 5000,
        connectionsCheckingInterval: Math.min(1000, headersMs),
      },
      handler,
    );
    return server;
  };
}
