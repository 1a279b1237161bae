/**
 * One HTTP exchange with undici: send, read the body up to a size cap, decode it by its charset.
 * Transport failures are returned, not thrown, so a send always ends in a result.
 */
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import type { ReceivedResponse } from '../response/interpret.js';
import { classifyNetworkError, type NetworkFailure } from './network-error.js';

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
  readonly timeout: number;
  readonly maxResponseBytes: number;
}

/** A response that arrived, with its headers. */
export interface Received extends ReceivedResponse {
  readonly headers: Readonly<Record<string, string>>;
}

/** Sends `wire` once; returns the response or the classified failure. */
export async function exchange(wire: WireRequest, options: ExchangeOptions, onDispatched?: () => void): Promise<Received | NetworkFailure> {
  try {
    const pending = request(wire.url, {
      dispatcher: options.dispatcher,
      method: wire.method as Dispatcher.HttpMethod,
      headers: wire.headers,
      body: wire.body ?? null,
      headersTimeout: options.timeout,
      bodyTimeout: options.timeout,
    });
    // undici has handed the request to its dispatcher by now: this is when it went out.
    onDispatched?.();
    const response = await pending;
    const headers = flattenHeaders(response.headers);
    const { bytes, truncated } = await readCapped(response.body as unknown as Body, options.maxResponseBytes);
    const contentType = headers['content-type'] ?? '';
    return { status: response.statusCode, headers, contentType, body: decode(bytes, contentType), truncated };
  } catch (error) {
    return classifyNetworkError(error, hostOf(wire.url));
  }
}

/** Whether an exchange ended without a response. */
export function isFailure(outcome: Received | NetworkFailure): outcome is NetworkFailure {
  return 'ambiguous' in outcome;
}

type Body = NodeJS.EventEmitter & { destroy(error?: Error): void };

/** Reads the body up to `cap` bytes; past it, drops the connection and keeps what fits. */
function readCapped(body: Body, cap: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      const room = cap - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, room));
      body.off('data', onData);
      body.off('error', reject);
      body.on('error', () => {}); // the connection is being dropped on purpose
      body.destroy();
      resolve({ bytes: Buffer.concat(chunks), truncated: true });
    };
    body.on('data', onData);
    body.once('end', () => resolve({ bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), truncated: false }));
    body.once('error', reject);
  });
}

const utf8 = new TextDecoder('utf-8');

/** Decodes by the declared charset (UTF-8 when none or unknown); bad bytes become U+FFFD, never a crash. */
function decode(bytes: Buffer, contentType: string): string {
  if (bytes.length === 0) return '';
  const charset = contentType.includes('charset') ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1] : undefined;
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
