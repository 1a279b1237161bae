/** Issue 9, item 22: `switchboard test` shows the field that differs, not two whole bodies side by side. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

describe('switchboard test, for a fixture that fails', () => {
  it('names each differing field of a body by its JSON Pointer, with only its two values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-diff-'));
    await run('init', 'acme', '--dir', dir);
    const file = join(dir, 'acme.json');
    const provider = JSON.parse(await readFile(file, 'utf8'));
    provider.numbers.format = 'E164_NO_PLUS';
    await writeFile(file, JSON.stringify(provider));
    const { code, out } = await run('test', file);
    expect(code).toBe(1);
    const table = out.split('\n').filter((line) => line.startsWith('      '));
    expect(table.map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['EXPECTED', 'ACTUAL'],
      ['JSON body /to', '"+15558675310"', '"15558675310"'],
      ['JSON body /from', '"+15557122661"', '"15557122661"'],
    ]);
  });
});
