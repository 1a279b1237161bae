/**
 * PostgreSQL's placeholders for statements written once for both databases with SQLite's `?`.
 * No shared statement has a `?` inside a literal, so every `?` is a parameter.
 */

/** `?` placeholders as `$1, $2, …`. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Each statement of `statements` {@link numbered}, under the same names. */
export function numberedAll<K extends string>(statements: Record<K, string>): Record<K, string> {
  return Object.fromEntries(Object.entries(statements).map(([name, sql]) => [name, numbered(sql as string)])) as Record<
    K,
    string
  >;
}
