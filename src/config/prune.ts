/**
 * A copy of a configuration value without the properties its schema problems point at, so the
 * checks after the schema (templates, https, numbers, files) can still run on the rest and a
 * user sees every problem in one run instead of in rounds.
 */
import type { ConfigIssue } from '../errors.js';

/**
 * `value` with the property at each issue's pointer removed. An array element is never removed
 * (that would renumber its siblings, and later issues would point at the wrong one): the nearest
 * property above it goes instead. With `coarse`, each issue's whole top-level property goes,
 * for a file whose precise copy still fails its schema (a required key was the broken one).
 */
export function withoutBroken(value: unknown, issues: readonly ConfigIssue[], coarse = false): unknown {
  const copy = structuredClone(value);
  for (const issue of issues) {
    const path = tokens(issue.pointer);
    removeAt(copy, coarse ? path.slice(0, 1) : path);
  }
  return copy;
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function removeAt(root: unknown, path: readonly string[]): void {
  for (let end = path.length; end > 0; end--) {
    const parent = walk(root, path.slice(0, end - 1));
    if (parent === null || typeof parent !== 'object') return;
    if (Array.isArray(parent)) continue;
    delete (parent as Record<string, unknown>)[path[end - 1] as string];
    return;
  }
}

function walk(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const token of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
