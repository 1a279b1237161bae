/**
 * `urlWithSortedQueryAndFormPairs`: the URL without its query, then its query pairs decoded and
 * sorted (by key, then value) as `k=v` joined by `&`, then the form pairs sorted the same way as
 * `kv` with no separator. A `?` comes before the query when there is a query or a form, and a `.`
 * between them when there are both; a GET signs the query only. Values of a repeated key are all
 * kept, sorted.
 */
import type { Pair, RequestFacts } from '../request.js';

const BASE = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/?#]*@)?([^/?#]*)([^?#]*)/i;

function sorted(pairs: readonly Pair[], pair: (k: string, v: string) => string): string[] {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [v]);
    else list.push(v);
  }
  const out: string[] = [];
  for (const key of [...byKey.keys()].sort()) for (const v of (byKey.get(key) ?? []).sort()) out.push(pair(key, v));
  return out;
}

/** The one canonical text. */
export function urlWithSortedQueryAndFormPairs(facts: RequestFacts): string {
  const match = BASE.exec(facts.url);
  const base = match === null ? facts.url : `${match[1]}${match[2]}${match[3]}`;
  const query = sorted(facts.query(), (k, v) => `${k}=${v}`).join('&');
  const type = (facts.header('content-type') ?? '').toLowerCase();
  const form = facts.method === 'GET' || type.includes('json') ? [] : facts.form();
  if (form.length === 0) return query === '' ? base : `${base}?${query}`;
  return `${base}?${query}${query === '' ? '' : '.'}${sorted(form, (k, v) => k + v).join('')}`;
}
