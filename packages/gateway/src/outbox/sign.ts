/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/, "Signature scheme"): the signed
 * string is `<webhook-id>.<webhook-timestamp>.<body>`, signed with HMAC-SHA256 under the bytes of
 * the `whsec_` secret, sent as `v1,<base64 signature>`. The timestamp is the attempt's, in seconds,
 * so a receiver that refuses old timestamps accepts a retry; the id is the delivery's, on every try.
 */
import { createHmac } from 'node:crypto';

/** The three headers of a signed delivery. */
export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs `body` for delivery `id` at `seconds` (Unix time) with `key`.
 * @example signDelivery(key, 'msg_2b…', Math.floor(Date.now() / 1000), '{"type":"message.received",…}')
 */
export function signDelivery(key: Buffer, id: string, seconds: number, body: string): SignedHeaders {
  const signature = createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${signature}` };
}
