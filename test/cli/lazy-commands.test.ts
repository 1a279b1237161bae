/**
 * Issue 16, item 16: the main help lists commands without loading them, so its names and summaries
 * live in src/cli/command-list.ts. These must be the commands' own, and `--help` must not load a
 * command's heavy dependencies: the child process below reports which modules it loaded.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.js';

/** The package names a `switchboard` process loaded from node_modules while running `args`. */
async function packagesLoaded(args: readonly string[]): Promise<string[]> {
  // require.cache lists every CommonJS module loaded, imported from ESM or required; each heavy
  // dependency here is CommonJS or loads one (BullMQ loads ioredis).
  const script = `
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    process.argv = [process.argv[0], 'switchboard', ...${JSON.stringify(args)}];
    const { runCli } = await import('./dist/cli/main.js');
    await runCli(process.argv.slice(2), { out() {}, err() {}, tty: false, env: {} });
    const names = new Set(Object.keys(require.cache).map((f) => f.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1]).filter(Boolean));
    process.stdout.write(JSON.stringify([...names].sort()));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout) as string[];
}

describe('the command list', () => {
  // Loading every command through vitest's transform takes seconds on a busy machine.
  it("gives each command the name and summary the command's own help shows", { timeout: 120_000 }, async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  });

  it('loads no server, database driver or queue client for --help or render', { timeout: 60_000 }, async () => {
    const heavy = ['fastify', 'pg', 'bullmq', 'ioredis', 'better-sqlite3', 'prom-client'];
    expect((await packagesLoaded(['--help'])).filter((name) => heavy.includes(name))).toEqual([]);
    const render = await packagesLoaded(['render', '--help']);
    expect(render.filter((name) => heavy.includes(name))).toEqual([]);
  });

  it('renders a request without loading undici, which only a send needs', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-lazy-'));
    const account = join(dir, 'twilio.json');
    await writeFile(
      account,
      JSON.stringify({ provider: 'twilio', username: 'AC1', password: 't', from: '+15017122661' }),
    );
    const loaded = await packagesLoaded(['render', '--account', account, '--to', '+15558675310', '--body', 'hi']);
    expect(loaded).not.toContain('undici');
    await rm(dir, { recursive: true, force: true });
  });
});
