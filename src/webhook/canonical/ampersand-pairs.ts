/**
 * `sortedAmpersandPairsUnderscored`: every parameter of the request but `sig` (the query for a
 * GET, the top-level values of a JSON body, else the form pairs), sorted by key, each written
 * `&key=value` with any `&` or `=` inside a value replaced by `_`. A key sent twice counts once,
 * with its last value.
 */
import type { Pair, RequestFacts } from '../request.js';

function parameters(facts: RequestFacts): readonly Pair[] {
  if (facts.method === 'GET') return facts.query();
  const type = (facts.header('content-type') ?? '').toLowerCase();
  if (!type.includes('json')) return facts.form();
  const body = facts.json();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  return Object.entries(body as Record<string, unknown>).flatMap(([k, v]): Pair[] =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [[k, String(v)]] : [],
  );
}

/** The one canonical text. */
export function sortedAmpersandPairsUnderscored(facts: RequestFacts): string {
  const last = new Map<string, string>();
  for (const [k, v] of parameters(facts)) if (k !== 'sig') last.set(k, v);
  let out = '';
  for (const key of [...last.keys()].sort()) out += `&${key}=${(last.get(key) ?? '').replace(/[&=]/g, '_')}`;
  return out;
}
