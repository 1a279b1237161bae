/**
 * "Did you mean": the known name closest to a misspelt one, so an error can say `contenType` →
 * `contentType` instead of making the reader search a list.
 */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between `a` and `b`, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= s.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[s.length] as number[])[t.length] as number;
}

/**
 * The candidate closest to `name`, when it is close enough to be a slip of the keyboard: at most
 * a third of the name's length apart (and never more than 3 edits), so `from` never "corrects"
 * to an unrelated short key. Ties go to the earlier candidate.
 * @example nearest('contenType', ['url', 'contentType']) // 'contentType'
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean "x"?` when a candidate is near `name`, else `''`. */
export function didYouMean(name: string, candidates: Iterable<string>, quote = (s: string) => `"${s}"`): string {
  const found = nearest(name, candidates);
  return found === undefined ? '' : `; did you mean ${quote(found)}?`;
}
