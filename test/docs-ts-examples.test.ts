/**
 * Issue 16, item 13: the TypeScript examples in README.md and docs/*.md compile, under the strict
 * settings a careful project uses, against the built types (`npm run build` first) imported as
 * `switchboard`, `@switchboard/queue` and `@switchboard/gateway`. Each ```ts block is one module; a block may only use
 * what it imports or declares itself.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

async function examples(): Promise<{ name: string; code: string }[]> {
  const files = [
    'README.md',
    ...(await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ];
  const found: { name: string; code: string }[] = [];
  for (const file of files) {
    const text = await readFile(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
      const line = text.slice(0, m.index).split('\n').length;
      found.push({ name: `${file}:${line}`, code: m[1] as string });
    }
  }
  return found;
}

describe('TypeScript examples in the docs', () => {
  it('compile under strict against the built types', { timeout: 120_000 }, async () => {
    const blocks = await examples();
    expect(blocks.length).toBeGreaterThan(5);
    const dir = await mkdtemp(join(tmpdir(), 'sb-doc-examples-'));
    const names = new Map<string, string>();
    for (const [i, block] of blocks.entries()) {
      names.set(`example-${i}.mts`, block.name);
      // `export {}` makes every block a module, so top-level await and its own names are allowed.
      await writeFile(join(dir, `example-${i}.mts`), `${block.code}\nexport {};\n`);
    }
    const config = {
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
        baseUrl: ROOT,
        paths: {
          switchboard: ['dist/index.d.ts'],
          '@switchboard/queue': ['packages/queue/dist/index.d.ts'],
          '@switchboard/gateway': ['packages/gateway/dist/index.d.ts'],
        },
      },
      include: [join(dir, '*.mts')],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const output = await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
      cwd: dir,
    }).then(
      () => '',
      (error: { stdout?: string; message?: string }) => error.stdout ?? error.message ?? 'tsc failed',
    );
    // Name the doc and line of each failing block instead of the temporary file.
    const readable = output.replace(/[^\s(]*?(example-\d+\.mts)/g, (_, file: string) => names.get(file) ?? file);
    expect(readable).toBe('');
  });
});
