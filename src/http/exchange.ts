/**
 * One HTTP exchange with undici: send, read the body up to a size cap, decode it by its charset.
 * Transport failures are returned, not thrown, so a send always ends in a result.
 */
import type { Dispatcher } from 'undici';
import type { ReceivedResponse } from '../response/interpret.js';
import { classifyNetworkError, deadlineFailure, notSent, type NetworkFailure } from './network-error.js';
import { requestTarget } from './request-target.js';

/** A request ready to go on the wire. */
export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

/** Transport settings, resolved once per connector. */
export interface ExchangeOptions {
  readonly dispatcher: Dispatcher;
  /** Milliseconds for the whole exchange: waiting for a connection, sending, headers and body. */
  readonly timeout: number;
  readonly maxResponseBytes: number;
}

/** A response that arrived, with its headers. */
export interface Received extends ReceivedResponse {
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Sends `wire` once; returns the response or the classified failure. Uses undici's dispatcher
 * directly with a handler that collects the body, rather than `request()` and a body stream: the
 * same connection pool and timeouts, without a stream and its promises per request.
 *
 * `options.timeout` is a deadline for the whole exchange, kept by one timer: undici's headers and
 * body timeouts restart with every chunk, so a server dripping a byte at a time could hold a send
 * for as long as it liked.
 */
export function exchange(
  wire: WireRequest,
  options: ExchangeOptions,
  onDispatched?: () => void,
): Promise<Received | NetworkFailure> {
  return new Promise((resolve) => {
    const handler = new Collector(options.maxResponseBytes, wire.url, resolve);
    handler.deadline = setTimeout(expire, options.timeout, handler, options.timeout);
    handler.dispatching = true;
    try {
      const url = requestTarget(wire.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`unsupported protocol ${url.protocol}`);
      options.dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.search === '' ? url.pathname : url.pathname + url.search,
          method: wire.method,
          headers: wire.headers,
          body: wire.body ?? null,
          headersTimeout: options.timeout,
          bodyTimeout: options.timeout,
        },
        handler,
      );
    } catch (error) {
      handler.onResponseError(undefined, error as Error);
      return;
    } finally {
      handler.dispatching = false;
    }
    // undici has handed the request to its dispatcher by now: this is when it went out.
    onDispatched?.();
  });
}

/** Whether an exchange ended without a response. */
export function isFailure(outcome: Received | NetworkFailure): outcome is NetworkFailure {
  return 'ambiguous' in outcome;
}

/** The deadline's timer callback (a module function, so no closure per request). */
function expire(handler: Collector, timeout: number): void {
  handler.expire(timeout);
}

/** Collects one response up to a size cap; past it, drops the connection and keeps what fits. */
class Collector implements Dispatcher.DispatchHandler {
  private status = 0;
  /** Set when undici starts writing the request; undefined while it waits for a connection. */
  private controller: Dispatcher.DispatchController | undefined;
  deadline: NodeJS.Timeout | undefined;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private done = false;
  /** True during the synchronous dispatch() call: an error then means the request never went out. */
  dispatching = false;

  constructor(
    private readonly cap: number,
    private readonly url: string,
    private readonly resolve: (outcome: Received | NetworkFailure) => void,
  ) {}

  /** Called just before the request is written (undici tells handler styles apart by this method). */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Past the deadline already: the caller has its result, so this request must never go out.
    if (this.done) controller.abort(new Error('the exchange passed its deadline before it was sent'));
    else this.controller = controller;
  }

  /**
   * The deadline passed: answer now and drop the request. Before undici started writing it the
   * request never left (definite); after, it may have arrived (ambiguous), as for undici's timeouts.
   */
  expire(timeout: number): void {
    if (this.done) return;
    this.done = true;
    const stage = this.controller === undefined ? 'connect' : this.status === 0 ? 'headers' : 'body';
    this.resolve(deadlineFailure(stage, timeout, hostOf(this.url)));
    this.controller?.abort(new Error('the exchange passed its deadline'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // an informational answer (100 Continue); the real one follows
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    const room = this.cap - this.size;
    if (chunk.length <= room) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      return;
    }
    this.chunks.push(chunk.subarray(0, room));
    this.finish(true);
    controller.abort(new Error('response larger than the cap')); // drops the connection on purpose
  }

  onResponseEnd(): void {
    this.finish(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    const failure = classifyNetworkError(error, hostOf(this.url));
    this.resolve(this.dispatching ? notSent(failure) : failure);
  }

  private finish(truncated: boolean): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    const chunks = this.chunks;
    const bytes = chunks.length === 0 ? EMPTY : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const contentType = this.headers['content-type'] ?? '';
    this.resolve({
      status: this.status,
      headers: this.headers,
      contentType,
      body: decode(bytes, contentType),
      truncated,
    });
  }
}

const EMPTY = Buffer.alloc(0);

const utf8 = new TextDecoder('utf-8');

/** Decodes by the declared charset (UTF-8 when none or unknown); bad bytes become U+FFFD, never a crash. */
function decode(bytes: Buffer, contentType: string): string {
  if (bytes.length === 0) return '';
  const charset = contentType.includes('charset')
    ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]
    : undefined;
  if (charset === undefined || /^utf-?8$/i.test(charset)) return utf8.decode(bytes);
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return utf8.decode(bytes);
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
