/** The configurable HMAC signer: sign a string built from the request, send the signature in headers. */
import { createHmac } from 'node:crypto';
import { MASK, renderTemplate, type Scope } from '../template/render.js';
import type { CompiledAuth } from './compile-auth.js';
import { requestFacts, type SignedRequest } from './request-facts.js';

type HmacAuth = Extract<CompiledAuth, { type: 'hmac' }>;

/** The headers that sign `request` (lower-case names); with `mask`, the signature shows as ****. */
export function hmacHeaders(
  auth: HmacAuth,
  request: SignedRequest,
  scope: Scope,
  mask: boolean,
  now = new Date(),
): Record<string, string> {
  const params = Object.assign(Object.create(scope.params) as Record<string, string>, requestFacts(request, now));
  const signed: Scope = { params, account: scope.account };
  if (mask) params.signature = MASK;
  else {
    const key = Buffer.from(renderTemplate(auth.key, signed), auth.keyEncoding);
    params.signature = createHmac(auth.algorithm, key)
      .update(renderTemplate(auth.stringToSign, signed), 'utf8')
      .digest(auth.signatureEncoding);
  }
  return Object.fromEntries(auth.headers.map(({ name, value }) => [name.toLowerCase(), renderTemplate(value, signed)]));
}
