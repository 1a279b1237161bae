/**
 * Issue 16, item 16: the built package validates with the validators compiled at build time
 * (schemas/compile-validators.mjs), the tests from src/ with Ajv compiling at run time. Both must
 * judge alike: every catalogue file, and a broken one, gives the same errors from each.
 * Needs dist/ (npm run build).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/config/formats.js';
import { AJV_OPTIONS, SCHEMA_FILES, type SchemaName } from '../../src/config/schema-options.js';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const built = (await import(new URL('../../dist/config/compiled-validators.js', import.meta.url).href)) as {
  NAMES: readonly SchemaName[];
} & Record<string, Validator>;

const ajv = new Ajv({ ...AJV_OPTIONS });
for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
for (const name of SCHEMA_FILES)
  ajv.addSchema(JSON.parse(readFileSync(`schemas/${name}.schema.json`, 'utf8')) as object);

/** The errors each validator gives for `value` under schema `name`. */
function both(name: SchemaName, value: unknown) {
  const atBuild = built[`v${built.NAMES.indexOf(name)}`]!;
  const atRun = ajv.getSchema(`${name}.schema.json`) as Validator;
  return [atBuild(value) ? [] : atBuild.errors, atRun(value) ? [] : atRun.errors];
}

describe('validators compiled at build time', () => {
  it('cover every schema', () => {
    expect([...built.NAMES].sort()).toEqual([...SCHEMA_FILES].sort());
  });

  it('judge every catalogue provider as Ajv does at run time', () => {
    for (const file of readdirSync('providers').filter((f) => f.endsWith('.json'))) {
      const [atBuild, atRun] = both('provider', JSON.parse(readFileSync(`providers/${file}`, 'utf8')));
      expect(atBuild).toEqual(atRun);
      expect(atBuild).toEqual([]);
    }
  });

  it('give the same errors as Ajv at run time for a broken provider', () => {
    const broken = { id: 'Bad Id', name: 1, services: { sendMessage: { url: 'ftp://x', response: { matches: '(' } } } };
    const [atBuild, atRun] = both('provider', broken);
    expect(atBuild).toEqual(atRun);
    expect(atBuild).not.toEqual([]);
  });
});
