/**
 * Every shell command in README.md and docs/*.md runs as written (issue 9, item 17).
 *
 * The convention, for whoever writes the docs:
 * - a fence opened with ```sh is run: its lines as one `bash -e -o pipefail` script, in a folder laid
 *   out like a clone (providers/ and schemas/ copied), with `npx switchboard` (and `switchboard`) the
 *   CLI built from this checkout; the blocks of one file run in order in the same folder, so a file
 *   written by one block is there for the next. Each block must exit 0.
 * - a fence opened with ```sh no-run is shown, not run: for commands that need the network, real
 *   credentials, a Redis server or an installation, or that show placeholders such as `[--flag <n>]`.
 * Other fences (```json, ```ts, plain ```) are not run. The files are read when the test runs, so a
 * new or rewritten page is covered without changing this test.
 */
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = resolve('.');

/** One fenced block of a Markdown file. */
interface Block {
  readonly line: number;
  readonly info: string;
  readonly code: string;
}

/** The fenced blocks of a Markdown text (``` fences, as GitHub reads them), with the line each opens on. */
export function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([^`]*)$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const fence = open[2] as string;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').trim().startsWith(fence); i++) body.push(lines[i] ?? '');
    blocks.push({ line: start + 1, info: (open[3] ?? '').trim(), code: body.join('\n') });
  }
  return blocks;
}

/** A ```sh block is run unless its info string says no-run. */
export function runs(block: Block): boolean {
  const [lang, ...flags] = block.info.split(/\s+/);
  return lang === 'sh' && !flags.includes('no-run');
}

/** A folder laid out like a clone, with `npx switchboard` and `switchboard` on PATH running this checkout's CLI. */
async function cloneLike(): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-docs-'));
  for (const part of ['providers', 'schemas']) await cp(join(ROOT, part), join(dir, part), { recursive: true });
  const bin = join(dir, '.bin');
  await mkdir(bin);
  const cli = `exec "${process.execPath}" "${join(ROOT, 'bin/switchboard.js')}" "$@"`;
  await writeFile(join(bin, 'switchboard'), `#!/bin/sh\n${cli}\n`);
  await writeFile(
    join(bin, 'npx'),
    `#!/bin/sh\nif [ "$1" = switchboard ]; then shift; ${cli}; fi\necho "npx $1: only npx switchboard runs in the docs test; mark this block sh no-run" >&2\nexit 127\n`,
  );
  // npm would install or reach the registry: a block that needs it is marked no-run.
  await writeFile(
    join(bin, 'npm'),
    '#!/bin/sh\necho "npm: not run in the docs test; mark this block sh no-run" >&2\nexit 127\n',
  );
  for (const name of ['switchboard', 'npx', 'npm']) await chmod(join(bin, name), 0o755);
  return { dir, env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' } };
}

const pages = ['README.md', ...(await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('the fence convention', () => {
  it('runs sh blocks and skips sh no-run and other languages', () => {
    const blocks = fencedBlocks(
      '```sh\necho a\n```\n```sh no-run\nnpm install\n```\n```json\n{}\n```\n```\nplain\n```',
    );
    expect(blocks.map((b) => [b.line, b.info, runs(b)])).toEqual([
      [1, 'sh', true],
      [4, 'sh no-run', false],
      [7, 'json', false],
      [10, '', false],
    ]);
  });

  it('finds commands to run in the guide to adding a provider', async () => {
    expect(fencedBlocks(await readFile('docs/adding-a-provider.md', 'utf8')).filter(runs).length).toBeGreaterThan(0);
  });
});

for (const page of pages) {
  const blocks = fencedBlocks(await readFile(page, 'utf8')).filter(runs);
  describe.skipIf(blocks.length === 0)(`the shell commands of ${page}`, () => {
    let folder: Promise<{ dir: string; env: NodeJS.ProcessEnv }> | undefined;
    for (const block of blocks) {
      it(`run as written (${page}:${block.line})`, async () => {
        folder ??= cloneLike();
        const { dir, env } = await folder;
        const ran = await exec('bash', ['-e', '-o', 'pipefail', '-c', block.code], { cwd: dir, env }).catch(
          (error: { code?: number; stdout?: string; stderr?: string }) => error,
        );
        const failed = 'code' in ran && ran.code !== undefined && ran.code !== 0;
        expect(failed ? `exit ${ran.code}\n${ran.stdout ?? ''}${ran.stderr ?? ''}` : 'exit 0').toBe('exit 0');
      }, 60_000);
    }
  });
}
