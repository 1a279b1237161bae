/**
 * HMAC (or a plain hash with the key appended) over a template of request facts, in constant time;
 * optionally with a signed timestamp inside a skew, and a body hash carried in the URL's query.
 */
import { createHash, createHmac } from 'node:crypto';
import type { BodyHashCheck, HmacRecipe } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import { firstValue, type RequestFacts } from '../request.js';
import { bytesEqual } from './compare.js';
import { decodeBytes } from './encoding.js';
import { compileMessage, some } from './parts.js';
import { missingValues, type CompiledRecipe, type RenderValue } from './recipe.js';
import { offeredSignatures } from './signatures.js';
import { checkTimestamp } from './timestamp.js';

/** Compiles an HMAC recipe for an account. */
export function compileHmac(spec: HmacRecipe, render: RenderValue): CompiledRecipe {
  const missing = missingValues(render, [spec.key]);
  if (missing.length > 0) return { ok: false, missing };
  let keyText = render(spec.key);
  if (spec.keyPrefix !== undefined && keyText.startsWith(spec.keyPrefix))
    keyText = keyText.slice(spec.keyPrefix.length);
  const key = decodeBytes(keyText, spec.keyEncoding ?? 'utf8');
  if (key === undefined) return { ok: false, missing: [`${spec.key} (not valid ${spec.keyEncoding ?? 'utf8'})`] };
  const message = compileMessage(spec.message);
  const digest =
    spec.mode === 'hashWithKeyAppended'
      ? (m: Buffer) => createHash(spec.algorithm).update(m).update(key).digest()
      : (m: Buffer) => createHmac(spec.algorithm, key).update(m).digest();
  return {
    ok: true,
    verifier: {
      verify(facts, nowMs) {
        const offered = offeredSignatures(spec.signature, facts);
        if (spec.timestamp !== undefined) checkTimestamp(spec.timestamp, facts, nowMs);
        // Candidates are tried in order and hashed only until one matches: the first is the usual one.
        const matches = (m: Buffer) => {
          const expected = digest(m);
          return offered.some((o) => bytesEqual(expected, o));
        };
        if (!some(message(facts), matches))
          throw new WebhookFailure('WEBHOOK_UNVERIFIED', `${spec.signature.name} does not match the request`);
        if (spec.bodyHash !== undefined) checkBodyHash(spec.bodyHash, facts);
      },
      sign(facts) {
        const [first] = message(facts);
        const signed = first ?? Buffer.alloc(0);
        const value = (spec.signature.prefix ?? '') + digest(signed).toString(spec.signature.encoding);
        return {
          signed: signed.toString('utf8'),
          field: { from: spec.signature.from, name: spec.signature.name },
          value,
        };
      },
    },
  };
}

/** When the URL carries the body's hash (and so signs it), the body must hash to it. */
function checkBodyHash(spec: BodyHashCheck, facts: RequestFacts): void {
  const stated = firstValue(facts.query(), spec.query);
  if (stated === undefined) {
    if (spec.required === true)
      throw new WebhookFailure('WEBHOOK_UNVERIFIED', `the URL has no ${spec.query}, so the body is not signed`);
    return;
  }
  const actual = createHash(spec.algorithm).update(facts.rawBody).digest();
  const claimed = decodeBytes(stated, spec.encoding);
  if (claimed === undefined || !bytesEqual(actual, claimed))
    throw new WebhookFailure('WEBHOOK_UNVERIFIED', `the body does not match ${spec.query} in the signed URL`);
}
