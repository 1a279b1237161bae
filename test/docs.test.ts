/** The README and docs/ stay true to the tree: every provider listed, every relative link pointing at something. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const pages = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]!.trim())));
}

describe('documentation', () => {
  it('lists every built-in provider in docs/providers.md', () => {
    const listed = readFileSync(join(root, 'docs/providers.md'), 'utf8');
    const ids = readdirSync(join(root, 'providers'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    expect(ids.filter((id) => !listed.includes(`| \`${id}\` |`))).toEqual([]);
    // The counts people read first stay true as the catalogue grows (the demo is not counted).
    const count = ids.filter((id) => id !== 'demo').length;
    expect(listed).toContain(`${count} providers (and the demo)`);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`the ${count} built-in providers`);
  });

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, hash] = target!.split('#') as [string, string | undefined];
      const file = path === '' ? page : join(dirname(page), path);
      if (!existsSync(join(root, file))) broken.push(`${target} (no file ${file})`);
      else if (hash !== undefined && file.endsWith('.md') && !anchorsOf(file).has(hash))
        broken.push(`${target} (no heading)`);
    }
    expect(broken).toEqual([]);
  });
});
