/**
 * Issue 16, item 13: docs/cli.md left out `serve`, `gateway`, `webhook` and `--status-callback`.
 * Every command `switchboard --help` lists, every sub-command its help names, and every flag of
 * each is in docs/cli.md.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

/** The commands the top-level help lists. */
async function commands(): Promise<string[]> {
  const { out } = await run('--help');
  const section = out.slice(out.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1] as string);
}

describe('docs/cli.md', () => {
  it('names every command, sub-command and flag that --help shows', async () => {
    const doc = await readFile('docs/cli.md', 'utf8');
    const missing: string[] = [];
    const names = await commands();
    expect(names).toContain('serve');
    for (const name of names) {
      const { out } = await run(name, '--help');
      if (!doc.includes(`switchboard ${name}`)) missing.push(`switchboard ${name}`);
      const flags = new Set([...out.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));
      for (const flag of flags)
        if (flag !== '--help' && flag !== '--debug' && !doc.includes(flag)) missing.push(`${name} ${flag}`);
      // Sub-commands: `switchboard gateway account-xml`, `switchboard acrobits import`.
      for (const m of out.matchAll(new RegExp(`switchboard ${name} ([a-z][a-z-]+)`, 'g')))
        if (!doc.includes(`switchboard ${name} ${m[1]}`)) missing.push(`switchboard ${name} ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
