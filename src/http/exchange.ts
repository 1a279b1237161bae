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
  readonly body: string | undefined;
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
export async function exchange(wire: WireRequest, options: ExchangeOptions): Promise<Received | NetworkFailure> {
  const where = hostOf(wire.url);
  try {
    const response = await request(wire.url, {
      dispatcher: options.dispatcher,
      method: wire.method as Dispatcher.HttpMethod,
      headers: wire.headers,
      body: wire.body ?? null,
      headersTimeout: options.timeout,
      bodyTimeout: options.timeout,
    });
    const headers = flattenHeaders(response.headers);
    const { bytes, truncated } = await readCapped(response.body, options.maxResponseBytes);
    const contentType = headers['content-type'] ?? '';
    return { status: response.statusCode, headers, contentType, body: decode(bytes, contentType), truncated };
  } catch (error) {
    return classifyNetworkError(error, where);
  }
}

/** Whether an exchange ended without a response. */
export function isFailure(outcome: Received | NetworkFailure): outcome is NetworkFailure {
  return 'ambiguous' in outcome;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, cap: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = cap - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      body.destroy();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

/** Decodes by the declared charset (UTF-8 when none or unknown); bad bytes become U+FFFD, never a crash. */
function decode(bytes: Buffer, contentType: string): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
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
