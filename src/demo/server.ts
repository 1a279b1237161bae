/**
 * The built-in local provider behind `switchboard demo`: an HTTP server on 127.0.0.1 that answers
 * as the Acrobits Send Message documentation shows. 200 with an empty body for a sent message;
 * 406 `{"message": "Invalid recipient"}` for a recipient it cannot reach (numbers starting +1555000);
 * 402 `<response><message>Not enough credit</message></response>` for the account `nocredit`.
 * A sent message whose request carries `status_callback` is then reported `delivered` to that URL
 * (a JSON POST `{"id", "status"}`, the demo provider's own callback shape), as a real provider does.
 * A send with `media_urls` is answered only once each URL was fetched (400 when one cannot be), as
 * providers that fetch media do; the server also serves its own picture, as a provider's media
 * host (GET /media/demo.png) and, encrypted, as an app's file storage (GET /app-files/demo.bin).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoPicture, type DemoPicture } from './picture.js';
import { fetchMedia, type DemoMediaFetch } from './media-fetch.js';

export type { DemoMediaFetch } from './media-fetch.js';

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
  /** Its picture, served as a PNG at `pictureUrl` and encrypted at `appFileUrl`. */
  readonly picture: DemoPicture;
  /** Where it serves its picture, as a provider serves inbound media: no credentials. */
  readonly pictureUrl: string;
  /** Where it serves the encrypted picture, as an app's file storage does. */
  readonly appFileUrl: string;
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
  /** Called after each media URL of a send was fetched (or failed to be: `status` 0). */
  readonly onMedia?: (fetched: DemoMediaFetch) => void;
}

/** The path the demo provider listens on, as in the Acrobits examples. */
const DEMO_PATH = '/send_message/';
const UNREACHABLE = /^\+?1?555000/;
const PICTURE_PATH = '/media/demo.png';
const APP_FILE_PATH = '/app-files/demo.bin';

/**
 * Starts the demo provider on 127.0.0.1 (a free port unless one is given).
 * @example const demo = await startDemoServer(); … await demo.close();
 */
export async function startDemoServer(port = 0, options: DemoServerOptions = {}): Promise<DemoServer> {
  const received: DemoRequest[] = [];
  let reports = 0;
  const picture = demoPicture();
  const files: Record<string, readonly [string, Buffer]> = {
    [PICTURE_PATH]: ['image/png', picture.png],
    [APP_FILE_PATH]: ['application/octet-stream', picture.encrypted],
  };
  const server = createServer((req, res) => {
    const file = req.method === 'GET' ? files[new URL(req.url ?? '/', 'http://127.0.0.1').pathname] : undefined;
    if (file !== undefined) return void res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    readBody(req)
      .then(async (body) => {
        const request: DemoRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        if (options.keep !== false) received.push(request);
        const unfetched = await fetchEachMedia(body, options);
        const { recipient, callback } = answer(req, body, res, unfetched);
        options.onRequest?.(request, res.statusCode, recipient);
        if (callback !== undefined) res.once('finish', () => void report(callback, ++reports, options));
      })
      .catch(() => res.destroy());
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
    picture,
    pictureUrl: `http://127.0.0.1:${bound}${PICTURE_PATH}`,
    appFileUrl: `http://127.0.0.1:${bound}${APP_FILE_PATH}`,
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

/** Fetches each URL of a JSON send's `media_urls`; returns the first that could not be fetched. */
async function fetchEachMedia(body: string, options: DemoServerOptions): Promise<string | undefined> {
  const urls = mediaUrlsOf(body);
  const fetched = await Promise.all(urls.map((url) => fetchMedia(url)));
  for (const one of fetched) options.onMedia?.(one);
  return fetched.find((one) => one.status !== 200)?.url;
}

function mediaUrlsOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { media_urls?: unknown };
    return Array.isArray(parsed.media_urls) ? parsed.media_urls.filter((u) => typeof u === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Answers one request as the docs show; returns the recipient it named, when the body could be
 * read, and the status callback URL of a message it accepted.
 */
function answer(
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
  unfetched: string | undefined,
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
  if (unfetched !== undefined)
    reply(res, 400, 'application/json', JSON.stringify({ message: `Could not fetch media: ${unfetched}` }));
  else if (fields.from === 'nocredit')
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
