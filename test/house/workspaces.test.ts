/**
 * Issue 16, the house: what an integration installs. The repository is three npm workspaces, each
 * with only its own dependencies: the engine and CLI (`switchboard`, the root), the queue
 * (`@switchboard/queue`) and the gateway (`@switchboard/gateway`). This checks that every package
 * imports only what its package.json declares (so a dependency cannot creep back into the engine
 * through an import), and that the engine's production dependencies stay under 25 MB with nothing
 * that builds native code, as bench/install-size.mjs measures them from this clone's lock file.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKSPACES = [
  { dir: '', src: 'src' },
  { dir: 'packages/queue', src: 'packages/queue/src' },
  { dir: 'packages/gateway', src: 'packages/gateway/src' },
];
/** Declared only to pin a transitive dependency: fastify's light-my-request, so it does not pull cookie@2 (Node 22). */
const PINS = new Set(['light-my-request']);

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The package names `file` imports (static imports, re-exports and literal `import()`). */
function packagesImportedBy(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) specifier = node.moduleSpecifier;
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      specifier = node.arguments[0];
    if (specifier !== undefined && ts.isStringLiteral(specifier) && !specifier.text.startsWith('.')) {
      const parts = specifier.text.split('/');
      found.push(specifier.text.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const BUILTIN = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

describe('the workspace packages', () => {
  for (const { dir, src } of WORKSPACES) {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
    it(`${manifest.name} imports only what its package.json declares, and uses all of it`, { timeout: 60_000 }, () => {
      const declared = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]);
      const used = new Map<string, string>();
      for (const file of files(join(ROOT, src)))
        for (const name of packagesImportedBy(file))
          if (!BUILTIN.has(name) && name !== manifest.name) used.set(name, file.slice(ROOT.length));
      const undeclared = [...used].filter(([name]) => !declared.has(name)).map(([name, file]) => `${name} (${file})`);
      expect(undeclared).toEqual([]);
      // The engine's optional peers (@switchboard/*) are loaded by a name built at run time.
      const unused = [...declared].filter(
        (name) => !used.has(name) && !PINS.has(name) && !name.startsWith('@switchboard/'),
      );
      expect(unused).toEqual([]);
    });
  }

  it(
    'the engine installs under 25 MB of production dependencies, none of them native',
    { timeout: 60_000 },
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bench/install-size.mjs'), '--json']);
      const [engine, queue, gateway] = JSON.parse(stdout) as { package: string; bytes: number; native: string[] }[];
      expect(engine?.package).toBe('switchboard');
      expect(engine?.bytes).toBeLessThan(25_000_000);
      expect(engine?.native).toEqual([]);
      // The split is what keeps it small: the gateway's closure holds the server and the drivers.
      expect(gateway?.native).toContain('better-sqlite3');
      expect(queue?.bytes).toBeGreaterThan(engine?.bytes ?? Infinity);
    },
  );
});
