/**
 * The JWT recipe: algorithm pinned, key chosen by a claim, times checked, and the token bound to
 * this body and this URL by hash claims.
 */
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JwtRecipe } from '../../src/generated/provider.js';
import { inboundBody, jsonInbound, providerWith, receiverFor } from '../helpers/webhooks.js';

const NOW = 1_767_225_600;
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function hs(claims: object, secret: string, alg = 'HS256', header: object = {}): string {
  const head = `${b64url({ alg, typ: 'JWT', ...header })}.${b64url(claims)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`;
}
const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

const vonageLike: JwtRecipe = {
  type: 'jwt',
  token: { from: 'header', name: 'Authorization', scheme: 'Bearer' },
  algorithms: ['HS256'],
  keysByClaim: { claim: 'api_key', keys: { '%account[username]%': '%account[secret]%' } },
  bodyHash: { claim: 'payload_hash', algorithm: 'sha256', encoding: 'hex', presence: 'optional' },
  maxAgeSeconds: 300,
};
const receiver = (spec: JwtRecipe = vonageLike) =>
  receiverFor(
    providerWith({ inbound: jsonInbound(spec) }, ['username', 'secret']),
    { username: 'abcd1234', secret: 'sig-secret' },
    { now: () => NOW * 1000 },
  );
const url = 'https://hooks.example.com/acme?x=1';
const call = (token: string, body = inboundBody(), r = receiver()) =>
  r.receive({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, body });

describe('the JWT recipe', () => {
  it('verifies an HS256 token whose key is chosen by its api_key claim and whose payload_hash matches the body', () => {
    const body = inboundBody();
    const token = hs({ api_key: 'abcd1234', iat: NOW - 5, jti: 'j1', payload_hash: sha256hex(body) }, 'sig-secret');
    expect(call(token, body)).toMatchObject({ ok: true });
  });

  it('refuses a token whose payload_hash is for another body', () => {
    const token = hs({ api_key: 'abcd1234', iat: NOW, payload_hash: sha256hex('{}') }, 'sig-secret');
    expect(call(token)).toMatchObject({
      ok: false,
      code: 'WEBHOOK_UNVERIFIED',
      reason: 'claim payload_hash does not match the body',
    });
  });

  it('refuses a token signed for another api_key, and one with a wrong secret', () => {
    expect(call(hs({ api_key: 'other', iat: NOW }, 'sig-secret'))).toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    expect(call(hs({ api_key: 'abcd1234', iat: NOW }, 'guess'))).toMatchObject({
      code: 'WEBHOOK_UNVERIFIED',
      reason: 'the token signature does not match',
    });
  });

  it('refuses alg none and any algorithm that is not pinned, before touching a key', () => {
    const none = `${b64url({ alg: 'none' })}.${b64url({ api_key: 'abcd1234', iat: NOW })}.`;
    expect(call(none)).toMatchObject({
      code: 'WEBHOOK_UNVERIFIED',
      reason: 'the token\'s algorithm "none" is not one of HS256',
    });
    expect(call(hs({ api_key: 'abcd1234', iat: NOW }, 'sig-secret', 'HS512'))).toMatchObject({
      code: 'WEBHOOK_UNVERIFIED',
    });
  });

  it('refuses a token issued longer ago than maxAgeSeconds as WEBHOOK_STALE', () => {
    expect(call(hs({ api_key: 'abcd1234', iat: NOW - 301 }, 'sig-secret'))).toMatchObject({ code: 'WEBHOOK_STALE' });
  });

  it('binds the token to the URL and to the body exactly when there is one (url_hash, payload_hash ifBody, iss, jti)', () => {
    const spec: JwtRecipe = {
      type: 'jwt',
      token: { from: 'header', name: 'MessageBird-Signature-JWT' },
      algorithms: ['HS256', 'HS384', 'HS512'],
      key: '%account[secret]%',
      claims: { iss: 'MessageBird' },
      requiredClaims: ['jti'],
      urlHash: { claim: 'url_hash', algorithm: 'sha256', encoding: 'hex' },
      bodyHash: { claim: 'payload_hash', algorithm: 'sha256', encoding: 'hex', presence: 'ifBody' },
      skewSeconds: 1,
    };
    const r = receiver(spec);
    const body = inboundBody();
    const claims = { iss: 'MessageBird', nbf: NOW, exp: NOW + 60, jti: 'x', url_hash: sha256hex(url) };
    const send = (token: string, text = body, at = url) =>
      r.receive({ method: 'POST', url: at, headers: { 'messagebird-signature-jwt': token }, body: text });
    expect(send(hs({ ...claims, payload_hash: sha256hex(body) }, 'sig-secret', 'HS512'))).toMatchObject({ ok: true });
    expect(send(hs(claims, 'sig-secret'))).toMatchObject({ reason: 'claim payload_hash is missing' });
    expect(send(hs({ ...claims, payload_hash: sha256hex(body) }, 'sig-secret'), body, `${url}&y=2`)).toMatchObject({
      reason: 'claim url_hash does not match the URL',
    });
    expect(send(hs({ ...claims, iss: 'Other', payload_hash: sha256hex(body) }, 'sig-secret'))).toMatchObject({
      reason: 'claim iss is not "MessageBird"',
    });
    expect(send(hs({ ...claims, exp: NOW - 2, payload_hash: sha256hex(body) }, 'sig-secret'))).toMatchObject({
      code: 'WEBHOOK_STALE',
    });
  });

  it('verifies RS256 with a public key, and never accepts an HMAC keyed with that public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const spec: JwtRecipe = {
      type: 'jwt',
      token: { from: 'header', name: 'Authorization', scheme: 'Bearer' },
      algorithms: ['RS256'],
      key: '%account[secret]%',
    };
    const r = receiverFor(providerWith({ inbound: jsonInbound(spec) }, ['username', 'secret']), {
      username: 'u',
      secret: pem,
    });
    const head = `${b64url({ alg: 'RS256' })}.${b64url({ sub: 'x' })}`;
    const good = `${head}.${sign('sha256', Buffer.from(head), privateKey).toString('base64url')}`;
    expect(call(good, inboundBody(), r)).toMatchObject({ ok: true });
    expect(call(hs({ sub: 'x' }, pem), inboundBody(), r)).toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
  });
});
