/** Reads the signature(s) a request carries: one field, maybe several values, maybe with a prefix. */
import type { SignatureLocation } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import type { RequestFacts } from '../request.js';
import { decodeBytes } from './encoding.js';
import { readField } from './timestamp.js';

/** The decoded signatures offered, at least one; throws WEBHOOK_UNVERIFIED when there is none. */
export function offeredSignatures(spec: SignatureLocation, facts: RequestFacts): Buffer[] {
  const text = readField(facts, spec.from, spec.name);
  if (text === undefined || text.trim() === '')
    throw new WebhookFailure('WEBHOOK_UNVERIFIED', `${spec.name} is missing`, 401);
  const pieces = spec.separator === undefined ? [text] : text.split(spec.separator);
  const out: Buffer[] = [];
  for (const raw of pieces) {
    let piece = raw.trim();
    if (spec.prefix !== undefined) {
      if (!piece.startsWith(spec.prefix)) continue;
      piece = piece.slice(spec.prefix.length);
    }
    const bytes = decodeBytes(piece, spec.encoding);
    if (bytes !== undefined && bytes.length > 0) out.push(bytes);
  }
  if (out.length === 0) throw new WebhookFailure('WEBHOOK_UNVERIFIED', `${spec.name} holds no readable signature`);
  return out;
}
