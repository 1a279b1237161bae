/** The schemas are the editor's help text: every property must explain itself. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../src/config/paths.js';

const files = readdirSync(packagePath('schemas')).filter((f) => f.endsWith('.schema.json'));

function undescribed(node: unknown, path: string, out: string[]): string[] {
  if (node === null || typeof node !== 'object') return out;
  const record = node as Record<string, unknown>;
  for (const [name, child] of Object.entries((record.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    if (typeof child.description !== 'string' && child.$ref === undefined) out.push(`${path}/properties/${name}`);
  }
  for (const [key, child] of Object.entries(record))
    if (key !== 'properties' || typeof child === 'object') undescribed(child, `${path}/${key}`, out);
  return out;
}

describe.each(files)('schema %s', (file) => {
  const schema = JSON.parse(readFileSync(packagePath('schemas', file), 'utf8')) as Record<string, unknown>;
  it('is draft-07 with an $id and a description for every property', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(file);
    expect(undescribed(schema, '#', [])).toEqual([]);
  });
});
