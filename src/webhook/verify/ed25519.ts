/** Ed25519: the provider signs a template of request facts with its private key; we hold its public key. */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Ed25519Recipe } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import { decodeBytes } from './encoding.js';
import { compileMessage, some } from './parts.js';
import { missingValues, type CompiledRecipe, type RenderValue } from './recipe.js';
import { offeredSignatures } from './signatures.js';
import { checkTimestamp } from './timestamp.js';

/** The public key from its text: raw 32 bytes in base64 or hex, or a PEM (SPKI). */
export function ed25519Key(text: string, encoding: 'base64' | 'hex' | 'pem'): KeyObject | undefined {
  try {
    if (encoding === 'pem') return createPublicKey(text);
    const raw = decodeBytes(text, encoding);
    if (raw?.length !== 32) return undefined;
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** Compiles an Ed25519 recipe for an account. */
export function compileEd25519(spec: Ed25519Recipe, render: RenderValue): CompiledRecipe {
  const missing = missingValues(render, [spec.publicKey]);
  if (missing.length > 0) return { ok: false, missing };
  const key = ed25519Key(render(spec.publicKey), spec.keyEncoding ?? 'base64');
  if (key === undefined) return { ok: false, missing: [`${spec.publicKey} (not an Ed25519 public key)`] };
  const message = compileMessage(spec.message);
  return {
    ok: true,
    verifier: {
      verify(facts, nowMs) {
        const offered = offeredSignatures(spec.signature, facts).filter((s) => s.length === 64);
        if (spec.timestamp !== undefined) checkTimestamp(spec.timestamp, facts, nowMs);
        const good = some(message(facts), (m) => offered.some((s) => verify(null, m, key, s)));
        if (!good) throw new WebhookFailure('WEBHOOK_UNVERIFIED', `${spec.signature.name} does not match the request`);
      },
    },
  };
}
