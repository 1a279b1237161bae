/**
 * The built-in local provider behind `switchboard demo`: an HTTP server on 127.0.0.1 that answers
 * as the Acrobits Send Message documentation shows. 200 with an empty body for a sent message;
 * 406 `{"message": "Invalid recipient"}` for a recipient it cannot reach (numbers starting +1555000);
 * 402 `<response><message>Not enough credit</message></response>` for the account `nocredit`.
 * A sent message whose request carries `status_callback` is then reported `delivered` to that URL
 * (a JSON POST `{"id", "status"}`, the demo provider's own callback shape), as a real provider does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the demo server received. */
export interface DemoRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A running demo server. */
export interface DemoServer {
  /** Its origin, e.g. `http://127.0.0.1:53122`. */
  readonly origin: string;
  /** Everything it received, in order (empty when started with `keep: false`). */
  readonly received: readonly DemoRequest[];
  close(): Promise<void>;
}

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  /** Keep every request in `received`. Default true; false for a long-running server. */
  readonly keep?: boolean;
  /** Called after each delivery report the server posted (or failed to post: `status` 0). */
  readonly onReport?: (url: string, status: number) => void;
  /** Called after each answer, with the request, the status it got and the recipient it named (if it could be read). */
  readonly onRequest?: (request: DemoRequest, status: number, recipient: string | undefined) => void;
}

/** The path the demo provider listens on, as in the Acrobits examples. */
const DEMO_PATH = '/send_message/';
const UNREACHABLE = /^\+?1?555000/;

/**
 * Starts the demo provider on 127.0.0.1 (a free port unless one is given).
 * @example const demo = await startDemoServer(); … await demo.close();
 */
export async function startDemoServer(port = 0, options: DemoServerOptions = {}): Promise<DemoServer> {
  const received: DemoRequest[] = [];
  let reports = 0;
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const request: DemoRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        if (options.keep !== false) received.push(request);
        const { recipient, callback } = answer(req, body, res);
        options.onRequest?.(request, res.statusCode, recipient);
        if (callback !== undefined) res.once('finish', () => void report(callback, ++reports, options));
      },
      () => res.destroy(),
    );
  });
  server.keepAliveTimeout = 1000;
  // A port in use (EADDRINUSE) rejects here, with Node's error and its code, instead of crashing later.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${bound}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Answers one request as the docs show; returns the recipient it named, when the body could be
 * read, and the status callback URL of a message it accepted.
 */
function answer(
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
): { recipient?: string | undefined; callback?: string | undefined } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== DEMO_PATH) {
    reply(res, 404, 'application/json', JSON.stringify({ message: `No web service at ${url.pathname}` }));
    return {};
  }
  const fields = readFields(url, body, String(req.headers['content-type'] ?? ''));
  if (fields === undefined) {
    reply(res, 400, 'application/json', JSON.stringify({ message: 'Malformed request body' }));
    return {};
  }
  const to = String(fields.sms_to ?? fields.to ?? '');
  if (fields.from === 'nocredit')
    reply(res, 402, 'text/xml', '<response><message>Not enough credit</message></response>');
  else if (to === '' || UNREACHABLE.test(to))
    reply(res, 406, 'application/json', JSON.stringify({ message: 'Invalid recipient' }, null, 4));
  else {
    reply(res, 200, undefined, '');
    const callback = typeof fields.status_callback === 'string' ? fields.status_callback : '';
    return { recipient: to, callback: /^https?:\/\//.test(callback) ? callback : undefined };
  }
  return { recipient: to };
}

/** Posts a `delivered` report for an accepted message to its status callback URL; never throws. */
async function report(url: string, n: number, options: DemoServerOptions): Promise<void> {
  const status = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: `demo-${n}`, status: 'delivered' }),
    signal: AbortSignal.timeout(5000),
  }).then(
    async (response) => {
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    },
    () => 0,
  );
  options.onReport?.(url, status);
}

function readFields(url: URL, body: string, contentType: string): Record<string, string> | undefined {
  if (body === '') return Object.fromEntries(url.searchParams);
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function reply(res: ServerResponse, status: number, contentType: string | undefined, body: string): void {
  if (contentType) res.setHeader('content-type', contentType);
  res.statusCode = status;
  res.end(body);
}
