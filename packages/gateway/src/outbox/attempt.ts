/**
 * One delivery attempt: a signed POST with undici, bounded in time (connecting included), no
 * redirect followed (a 3xx is a failure: the receiver must give its final URL), and at most a
 * small part of the response body read, so a receiver can neither hold the dispatcher up nor fill
 * its memory.
 */
import { request, type Dispatcher } from 'undici';
import { signDelivery } from './sign.js';
import type { Subscription } from './subscriptions.js';

/** How much of a receiver's answer is kept, for `gateway deliveries list`. */
const KEPT_BODY_BYTES = 512;

/** What one attempt gave: 2xx, or why not. */
export type AttemptResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status: number | undefined; readonly error: string };

/** POSTs `payload` as delivery `id` to `subscription`, signed now. */
export async function attemptDelivery(
  dispatcher: Dispatcher,
  subscription: Subscription,
  id: string,
  payload: string,
): Promise<AttemptResult> {
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'switchboard-gateway',
    ...signDelivery(subscription.key, id, Math.floor(Date.now() / 1000), payload),
  };
  try {
    const response = await request(subscription.url, {
      method: 'POST',
      headers,
      body: payload,
      dispatcher,
      signal: AbortSignal.timeout(subscription.timeoutMs),
      headersTimeout: subscription.timeoutMs,
      bodyTimeout: subscription.timeoutMs,
    });
    const status = response.statusCode;
    const text = await readCapped(response.body, KEPT_BODY_BYTES);
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: `HTTP ${status}${text === '' ? '' : `: ${text}`}` };
  } catch (error) {
    return { ok: false, status: undefined, error: reasonOf(error, subscription.timeoutMs) };
  }
}

/** At most `cap` bytes of `body` as text; the rest is not read (the connection is dropped). */
async function readCapped(body: Dispatcher.ResponseData['body'], cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= cap) break;
    }
  } catch {
    // A body cut short says nothing more about the delivery than its status.
  } finally {
    if (size >= cap) body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, cap).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** A network failure in one line (no URL query, no secret: neither is in these errors). */
function reasonOf(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT')
    return `no answer within ${timeoutMs} ms`;
  return `${e.code ?? e.name ?? 'Error'}: ${e.message ?? String(error)}`;
}
