#!/usr/bin/env node
// The `switchboard` command. The published package ships dist/ built (npm builds it on prepack), so
// this only imports it. A clone has no dist/ until it is built, and after a pull its dist/ is older
// than its sources; a clone's `npm install` must not need a build step that would also run for the
// package's users. So in a clone (where src/ is present) this builds dist/ (as `npm run build`) when
// it is missing or when any file of src/, schemas/ or a workspace package's src/ (packages/*/src:
// the gateway and the queue, whose commands run through this one) is newer than the last build.
// The last file a build writes, packages/gateway/dist/index.js, is its stamp: comparing modification
// times costs a few milliseconds, and nothing is built when nothing changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../dist/cli/main.js', import.meta.url);
const stamp = join(root, 'packages', 'gateway', 'dist', 'index.js');
/** The folders whose sources dist/ is built from, and the build's steps (as `npm run build`). */
const SOURCES = ['src', 'schemas', 'packages/queue/src', 'packages/gateway/src'];
const tscOf = (project) => (tsc) => [tsc, '-p', project];
const STEPS = [
  tscOf('tsconfig.json'),
  () => ['schemas/compile-validators.mjs'],
  tscOf('packages/queue/tsconfig.json'),
  tscOf('packages/gateway/tsconfig.json'),
];

/** The first file under `dir` modified after `since` (ms), or undefined. */
function newerFile(dir, since) {
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) {
      const found = newerFile(path, since);
      if (found !== undefined) return found;
    } else if (statSync(path).mtimeMs > since) return path;
  }
  return undefined;
}

/** Why dist/ must be built, or undefined when it is up to date (or this is not a clone). */
function reasonToBuild() {
  if (!existsSync(join(root, 'src'))) return existsSync(entry) ? undefined : 'missing';
  if (!existsSync(entry) || !existsSync(stamp)) return 'first run in a clone; npm run build does the same';
  const built = statSync(stamp).mtimeMs;
  let changed;
  for (const dir of SOURCES) changed ??= newerFile(join(root, dir), built);
  return changed === undefined ? undefined : `${changed.slice(root.length)} changed since the last build`;
}

/** Runs `args` with node in the package's folder; false when it failed. */
function step(args) {
  return spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] }).status === 0;
}

const reason = reasonToBuild();
if (reason !== undefined) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    if (existsSync(entry)) {
      process.stderr.write(
        `Switchboard's dist/ is out of date (${reason}) and TypeScript is not installed: running it as built.\n`,
      );
    } else {
      process.stderr.write(
        'Switchboard is not built and TypeScript is not installed: run npm install, then npm run build.\n',
      );
      process.exit(2);
    }
  }
  if (tsc !== undefined) {
    process.stderr.write(`Building Switchboard from its sources (${reason})…\n`);
    if (!STEPS.every((args) => step(args(tsc)))) {
      process.stderr.write('The build failed (above); fix it and run npm run build.\n');
      process.exit(2);
    }
  }
}

const { main } = await import(entry.href);
main();
