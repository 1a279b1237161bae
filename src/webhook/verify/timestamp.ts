/** A signed timestamp checked against the declared skew: a request outside it is a replay, refused. */
import type { SignedTimestamp } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import { firstValue, type RequestFacts } from '../request.js';

/** Reads a header, form key, query key, or a parameter wherever the request carries it. */
export function readField(
  facts: RequestFacts,
  from: 'header' | 'form' | 'query' | 'param',
  name: string,
): string | undefined {
  if (from === 'header') return facts.header(name);
  return firstValue(from === 'form' ? facts.form() : from === 'query' ? facts.query() : facts.params(), name);
}

/** Throws WEBHOOK_UNVERIFIED for a missing or unreadable timestamp, WEBHOOK_STALE outside the skew. */
export function checkTimestamp(spec: SignedTimestamp, facts: RequestFacts, nowMs: number): void {
  const text = readField(facts, spec.from, spec.name);
  if (text === undefined || text === '') throw new WebhookFailure('WEBHOOK_UNVERIFIED', `${spec.name} is missing`, 401);
  if (!/^\d{1,16}$/.test(text.trim()))
    throw new WebhookFailure('WEBHOOK_UNVERIFIED', `${spec.name} is not a timestamp`);
  const ms = Number(text.trim()) * (spec.unit === 'milliseconds' ? 1 : 1000);
  const offSeconds = Math.abs(nowMs - ms) / 1000;
  if (offSeconds > spec.skewSeconds)
    throw new WebhookFailure(
      'WEBHOOK_STALE',
      `${spec.name} is ${Math.round(offSeconds)} s from now, more than the ${spec.skewSeconds} s allowed (a replay?)`,
    );
}
