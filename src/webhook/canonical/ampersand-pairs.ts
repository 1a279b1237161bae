/**
 * `sortedAmpersandPairsUnderscored`: every parameter of the request but `sig` (the query for a
 * GET, the top-level values of a JSON body, else the form pairs: see RequestFacts.params), sorted
 * by key, each written `&key=value` with any `&` or `=` inside a value replaced by `_`. A key sent
 * twice counts once, with its last value.
 */
import type { RequestFacts } from '../request.js';

/** The one canonical text. */
export function sortedAmpersandPairsUnderscored(facts: RequestFacts): string {
  const last = new Map<string, string>();
  for (const [k, v] of facts.params()) if (k !== 'sig') last.set(k, v);
  let out = '';
  for (const key of [...last.keys()].sort()) out += `&${key}=${(last.get(key) ?? '').replace(/[&=]/g, '_')}`;
  return out;
}
