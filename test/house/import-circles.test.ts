/**
 * Issue 16, the house: src/ and the workspace packages have no import circles. A circle makes the order modules initialise in
 * depend on which one is loaded first (a value read before its module ran is undefined), and it
 * ties modules together that should change apart. This walks every static import and re-export of
 * src/ (type-only ones too: they bind modules together just the same) and names each circle found.
 * Dynamic `import()` is left out: it runs later, once every module it can reach has loaded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');
/** Each workspace package's name and its sources, so imports between packages are followed too. */
const PACKAGES: readonly (readonly [string, string])[] = [
  ['switchboard', SRC],
  ['@switchboard/queue', join(ROOT, 'packages/queue/src')],
  ['@switchboard/gateway', join(ROOT, 'packages/gateway/src')],
];

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The files of src/ that `file` imports or re-exports statically. */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const targets: string[] = [];
  for (const statement of source.statements) {
    const specifier =
      ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    const text = specifier.text;
    if (text.startsWith('.')) targets.push(resolve(dirname(file), text.replace(/\.js$/, '.ts')));
    for (const [name, dir] of PACKAGES) {
      const prefix = `${name}/internal/`;
      if (text.startsWith(prefix)) targets.push(join(dir, text.slice(prefix.length).replace(/\.js$/, '.ts')));
      else if (text === name) targets.push(join(dir, 'index.ts'));
    }
  }
  return targets;
}

/** The import graph's strongly connected components of more than one file (or a file importing itself). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph of src/ and packages/*/src', () => {
  // Parsing every file of src/ takes seconds on a busy machine.
  it('has no circles', { timeout: 60_000 }, () => {
    const files = PACKAGES.flatMap(([, dir]) => sources(dir));
    const graph = new Map(files.map((file) => [file, importsOf(file)] as const));
    const named = circles(graph).map((component) => component.map((file) => relative(ROOT, file)));
    expect(named).toEqual([]);
  });

  it('finds a circle of two files, and one of a file importing itself', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', []],
      ['d', ['d']],
    ]);
    expect(circles(graph)).toEqual([['a', 'b'], ['d']]);
  });
});
