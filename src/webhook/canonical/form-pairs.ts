/**
 * Form pairs written as one string for signing, in the two ways providers do it:
 * - `formPairsSortedUnique`: keys sorted (by UTF-16 code units), each key followed by its value with
 *   no separator; a key sent several times gives each distinct value once, values sorted;
 * - `formPairsSortedByKey`: keys sorted the same way, repeated keys' values kept in the order sent.
 * A JSON body signs no pairs (its hash travels in the URL instead), so both give '' for one.
 */
import type { Pair, RequestFacts } from '../request.js';

function grouped(pairs: readonly Pair[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [v]);
    else list.push(v);
  }
  return byKey;
}

function formOf(facts: RequestFacts): readonly Pair[] {
  const type = (facts.header('content-type') ?? '').toLowerCase();
  return type.includes('json') ? [] : facts.form();
}

function join(byKey: Map<string, string[]>, values: (v: string[]) => string[]): string {
  let out = '';
  for (const key of [...byKey.keys()].sort()) for (const v of values(byKey.get(key) ?? [])) out += key + v;
  return out;
}

/** Sorted keys, distinct values sorted, `keyvalue` concatenated. */
export function formPairsSortedUnique(facts: RequestFacts): string {
  return join(grouped(formOf(facts)), (v) => (v.length === 1 ? v : [...new Set(v)].sort()));
}

/** Sorted keys, values in the order sent, `keyvalue` concatenated. */
export function formPairsSortedByKey(facts: RequestFacts): string {
  return join(grouped(formOf(facts)), (v) => v);
}
