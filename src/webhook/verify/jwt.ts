/**
 * A JSON Web Token carried by the request: algorithm pinned (a token naming another, or `none`, is
 * refused before any key is touched), key chosen by a claim when several may sign, times checked
 * with a skew, and claims binding the token to this body and this URL.
 */
import { createHash, createHmac, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { HashClaim, JwtRecipe } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import { firstValue, type RequestFacts } from '../request.js';
import { bytesEqual, secretEqual } from './compare.js';
import { decodeBytes } from './encoding.js';
import { missingValues, type CompiledRecipe, type RenderValue } from './recipe.js';

type Claims = Record<string, unknown>;
type Key = { secret: Buffer } | { publicKey: KeyObject };

const fail = (reason: string, status?: number): never => {
  throw new WebhookFailure('WEBHOOK_UNVERIFIED', reason, status);
};

/** Compiles a JWT recipe for an account: keys rendered and parsed once. */
export function compileJwt(spec: JwtRecipe, render: RenderValue): CompiledRecipe {
  const templates = spec.keysByClaim ? Object.values(spec.keysByClaim.keys) : spec.key ? [spec.key] : [];
  const missing = missingValues(render, templates);
  if (templates.length === 0 || missing.length === templates.length) return { ok: false, missing };
  const symmetric = spec.algorithms.every((a) => a.startsWith('HS'));
  const toKey = (text: string): Key =>
    symmetric ? { secret: Buffer.from(text, 'utf8') } : { publicKey: createPublicKey(text) };
  const keys = new Map<string, Key>();
  if (spec.keysByClaim)
    for (const [claim, key] of Object.entries(spec.keysByClaim.keys))
      if (render(key) !== '') keys.set(render(claim), toKey(render(key)));
  const single = spec.key !== undefined ? toKey(render(spec.key)) : undefined;
  return {
    ok: true,
    verifier: {
      verify(facts, nowMs) {
        const token = readToken(spec, facts);
        const [head, body, sig] = token.split('.') as [string, string, string];
        const header = decodeJson(head, 'header');
        const claims = decodeJson(body, 'claims');
        const alg = typeof header.alg === 'string' ? header.alg : '';
        if (!(spec.algorithms as string[]).includes(alg))
          fail(`the token's algorithm "${alg}" is not one of ${spec.algorithms.join(', ')}`);
        const named = spec.keysByClaim ? claims[spec.keysByClaim.claim] : undefined;
        const key = spec.keysByClaim ? keys.get(typeof named === 'string' ? named : '') : single;
        if (key === undefined) fail(`no key for the token's ${spec.keysByClaim?.claim ?? 'key'} claim`);
        if (!signatureHolds(alg, key as Key, `${head}.${body}`, sig)) fail('the token signature does not match');
        checkTimes(spec, claims, nowMs);
        checkClaims(spec, claims, facts);
      },
    },
  };
}

function readToken(spec: JwtRecipe, facts: RequestFacts): string {
  const raw = spec.token.from === 'header' ? facts.header(spec.token.name) : firstValue(facts.query(), spec.token.name);
  if (raw === undefined || raw.trim() === '') return fail(`${spec.token.name} is missing`, 401);
  let token = raw.trim();
  if (spec.token.scheme !== undefined) {
    const prefix = `${spec.token.scheme} `;
    if (token.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase())
      fail(`${spec.token.name} is not a ${spec.token.scheme} token`);
    token = token.slice(prefix.length).trim();
  }
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) fail(`${spec.token.name} is not a JWT`);
  return token;
}

function decodeJson(part: string, what: string): Claims {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Claims;
  } catch {
    // fall through
  }
  return fail(`the token's ${what} is not a JSON object`);
}

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function signatureHolds(alg: string, key: Key, signed: string, signature: string): boolean {
  const sig = Buffer.from(signature, 'base64url');
  if ('secret' in key) {
    if (!alg.startsWith('HS')) return false;
    const mac = createHmac(HASHES[alg.slice(2)] ?? 'sha256', key.secret)
      .update(signed)
      .digest();
    return bytesEqual(mac, sig);
  }
  if (alg.startsWith('HS')) return false; // never an HMAC keyed with a public key
  try {
    if (alg === 'EdDSA') return verify(null, Buffer.from(signed), key.publicKey, sig);
    const dsaEncoding = alg.startsWith('ES') ? 'ieee-p1363' : 'der';
    return verify(HASHES[alg.slice(2)] ?? 'sha256', Buffer.from(signed), { key: key.publicKey, dsaEncoding }, sig);
  } catch {
    return false;
  }
}

function checkTimes(spec: JwtRecipe, claims: Claims, nowMs: number): void {
  const now = nowMs / 1000;
  const skew = spec.skewSeconds ?? 0;
  const num = (name: string) => (typeof claims[name] === 'number' ? claims[name] : undefined);
  const exp = num('exp');
  const nbf = num('nbf');
  const iat = num('iat');
  if (exp !== undefined && now > exp + skew) throw new WebhookFailure('WEBHOOK_STALE', 'the token has expired');
  if (nbf !== undefined && now < nbf - skew) throw new WebhookFailure('WEBHOOK_STALE', 'the token is not valid yet');
  if (spec.maxAgeSeconds !== undefined) {
    if (iat === undefined) fail('the token has no iat claim');
    else if (now - iat > spec.maxAgeSeconds + skew || iat - now > skew)
      throw new WebhookFailure(
        'WEBHOOK_STALE',
        `the token was issued ${Math.round(now - iat)} s ago, more than the ${spec.maxAgeSeconds} s allowed`,
      );
  }
}

function checkClaims(spec: JwtRecipe, claims: Claims, facts: RequestFacts): void {
  for (const [name, value] of Object.entries(spec.claims ?? {}))
    if (typeof claims[name] !== 'string' || !secretEqual(claims[name], value)) fail(`claim ${name} is not "${value}"`);
  for (const name of spec.requiredClaims ?? [])
    if (claims[name] === undefined || claims[name] === '') fail(`claim ${name} is missing`);
  if (spec.bodyHash) checkHash(spec.bodyHash, claims, facts.rawBody, facts.rawBody.length > 0, 'body');
  if (spec.bodyClaims) checkBodyClaims(spec.bodyClaims, claims, facts);
  if (spec.urlHash) checkHash(spec.urlHash, claims, Buffer.from(facts.url, 'utf8'), true, 'URL');
}

/**
 * The token carries the payload (its claims are the body's fields): each named body field must be
 * a claim of equal JSON value, else a valid token could be replayed with a body of one's choosing.
 */
function checkBodyClaims(names: readonly string[], claims: Claims, facts: RequestFacts): void {
  const body = facts.json();
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Claims) : {};
  for (const name of names) {
    if (!Object.hasOwn(claims, name)) fail(`claim ${name} is missing`);
    const stated = JSON.stringify(claims[name]);
    if (!Object.hasOwn(fields, name) || JSON.stringify(fields[name]) !== stated)
      fail(`claim ${name} does not match the body`);
  }
}

function checkHash(spec: HashClaim, claims: Claims, bytes: Buffer, hasContent: boolean, what: string): void {
  const value = claims[spec.claim];
  const presence = spec.presence ?? 'always';
  if (value === undefined || value === '') {
    if (presence === 'optional' || (presence === 'ifBody' && !hasContent)) return;
    fail(`claim ${spec.claim} is missing`);
  }
  if (presence === 'ifBody' && !hasContent) fail(`claim ${spec.claim} is present for an empty ${what}`);
  const stated = typeof value === 'string' ? decodeBytes(value, spec.encoding) : undefined;
  const actual = createHash(spec.algorithm).update(bytes).digest();
  if (stated === undefined || !bytesEqual(actual, stated)) fail(`claim ${spec.claim} does not match the ${what}`);
}
