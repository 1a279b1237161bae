/**
 * The JWT recipe's bodyClaims: a token whose claims are the payload itself (GatewayAPI signs its
 * callbacks so) is bound to the body by the fields it names, so a captured token cannot carry a
 * body of someone else's choosing.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JwtRecipe } from '../../src/generated/provider.js';
import { jsonInbound, providerWith, receiverFor } from '../helpers/webhooks.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function hs256(claims: object, secret: string): string {
  const head = `${b64url({ typ: 'JWT', alg: 'HS256' })}.${b64url(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const spec: JwtRecipe = {
  type: 'jwt',
  token: { from: 'header', name: 'X-Gwapi-Signature' },
  algorithms: ['HS256'],
  key: '%account[secret]%',
  bodyClaims: ['id', 'from', 'to', 'text'],
};
const receiver = receiverFor(providerWith({ inbound: jsonInbound(spec) }), { secret: 'hook-secret' });
const payload = { id: 1000001, from: '+15558675310', to: '+15557122661', text: 'Tom & Jerry "today"\nà 🎉' };
const call = (token: string, body: object) =>
  receiver.receive({
    method: 'POST',
    url: 'https://hooks.example.com/acme',
    headers: { 'x-gwapi-signature': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the JWT recipe with bodyClaims', () => {
  it('accepts a body whose named fields equal the claims of the token, numbers and Unicode text alike', () => {
    const token = hs256({ ...payload, api: 4 }, 'hook-secret');
    const result = call(token, payload);
    expect(result).toMatchObject({ ok: true, events: [{ providerMessageId: '1000001', text: payload.text }] });
  });

  it('refuses a valid token replayed with another text, and says which claim differs', () => {
    const token = hs256(payload, 'hook-secret');
    expect(call(token, { ...payload, text: 'send money' })).toMatchObject({
      ok: false,
      code: 'WEBHOOK_UNVERIFIED',
      reason: 'claim text does not match the body',
    });
  });

  it('compares values as JSON, so the id 1000001 in the token is not the string "1000001" in the body', () => {
    const token = hs256(payload, 'hook-secret');
    expect(call(token, { ...payload, id: '1000001' })).toMatchObject({ ok: false, code: 'WEBHOOK_UNVERIFIED' });
  });

  it('refuses a valid token that lacks a named claim, even when the body lacks that field too', () => {
    const { text: _text, ...withoutText } = payload;
    const token = hs256(withoutText, 'hook-secret');
    expect(call(token, withoutText)).toMatchObject({
      ok: false,
      code: 'WEBHOOK_UNVERIFIED',
      reason: 'claim text is missing',
    });
  });
});
