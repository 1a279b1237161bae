#!/usr/bin/env node
// The `switchboard` command. The published package ships dist/ built (npm builds it on prepack), so
// this only imports it. A clone has no dist/ until it is built, and a clone's `npm install` must not
// need a build step that would also run for the package's users; so on the first run in a clone,
// where the TypeScript sources and compiler are present, this builds dist/ once (as `npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../dist/cli/main.js', import.meta.url);

if (!existsSync(entry)) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write(
      'Switchboard is not built and TypeScript is not installed: run npm install, then npm run build.\n',
    );
    process.exit(2);
  }
  process.stderr.write('Building Switchboard from its sources (first run in a clone; npm run build does the same)…\n');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) {
    process.stderr.write('The build failed (above); fix it and run npm run build.\n');
    process.exit(2);
  }
}

const { main } = await import(entry.href);
main();
