#!/usr/bin/env node
// Generates src/generated/*.ts from schemas/*.schema.json (the schemas are the source of truth).
// With --check it writes nothing and exits 1 when a generated file is missing or stale.
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

const schemasDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(schemasDir, '..', 'src', 'generated');
const check = process.argv.includes('--check');
const banner = '/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */';

let stale = [];
for (const file of (await readdir(schemasDir)).filter((f) => f.endsWith('.schema.json')).sort()) {
  const schema = JSON.parse(await readFile(join(schemasDir, file), 'utf8'));
  const ts = await compile(schema, schema.title, {
    cwd: schemasDir,
    bannerComment: banner,
    additionalProperties: false,
    declareExternallyReferenced: true,
    style: { singleQuote: true },
  });
  const target = join(outDir, file.replace('.schema.json', '.ts'));
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current === ts) continue;
  if (check) stale.push(target);
  else await writeFile(target, ts);
}
if (stale.length > 0) {
  console.error(`Generated types are stale: ${stale.join(', ')}\nRun \`npm run generate\` and commit the result.`);
  process.exit(1);
}
