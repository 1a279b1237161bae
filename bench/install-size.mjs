#!/usr/bin/env node
/**
 * What each of Switchboard's packages installs for a project that depends on it: the production
 * dependencies it pulls in (its own `dependencies` and required peers, and theirs, as npm resolves
 * them in this clone's package-lock.json), how many bytes of files they hold, and which of them run
 * an install script or build native code. `npm run size` prints the table; `--json` prints it as
 * data (test/house/workspaces.test.ts holds the engine to its targets: under 25 MB, nothing native).
 * Run after `npm install`; it reads node_modules, it does not install anything.
 */
import { existsSync, readFileSync, readdirSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages;

/** The lock entry path that `name` resolves to from the package at lock path `from` (Node's lookup). */
function resolveFrom(from, name) {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lock[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
  }
}

/** The names a package needs installed: dependencies, optional dependencies, required peers. */
function needs(entry) {
  const optionalPeers = entry.peerDependenciesMeta ?? {};
  const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers[name]?.optional);
  return [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers];
}

/** Bytes of the files under `dir`, not counting nested node_modules (those are packages of their own). */
function bytesOf(dir) {
  let total = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    if (item.name === 'node_modules') continue;
    const path = join(dir, item.name);
    if (item.isDirectory()) total += bytesOf(path);
    else if (item.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/** Whether the installed package at `dir` builds or fetches something when installed. */
function installsNative(entry, dir) {
  return entry.hasInstallScript === true || existsSync(join(dir, 'binding.gyp'));
}

/** The production closure of the workspace package at lock path `start` ('' for the root). */
export function closureOf(start) {
  const self = lock[start];
  const seen = new Map();
  const selfName = start === '' ? JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).name : self.name;
  const queue = needs(self).map((name) => [start, name]);
  while (queue.length > 0) {
    const [from, name] = queue.shift();
    if (name === selfName) continue;
    let at = resolveFrom(from, name);
    if (at === undefined) continue; // an optional dependency for another platform
    if (seen.has(at)) continue;
    let entry = lock[at];
    if (entry.link) {
      at = entry.resolved; // a workspace package: its own entry holds its dependencies
      entry = lock[at];
      if (seen.has(at)) continue;
    }
    const dir = join(ROOT, at);
    if (!existsSync(dir)) continue; // in the lock for another platform (os/cpu), not installed here
    const workspace = !at.includes('node_modules/');
    seen.set(at, {
      name,
      version: entry.version,
      bytes: workspace ? bytesOf(join(dir, 'dist')) : bytesOf(dir),
      native: installsNative(entry, dir),
    });
    for (const next of needs(entry)) queue.push([at, next]);
  }
  const packages = [...seen.values()].sort((a, b) => b.bytes - a.bytes);
  return {
    package: selfName,
    count: packages.length,
    bytes: packages.reduce((sum, p) => sum + p.bytes, 0),
    native: packages.filter((p) => p.native).map((p) => p.name),
    largest: packages.slice(0, 5).map((p) => ({ name: p.name, bytes: p.bytes })),
  };
}

const WORKSPACES = ['', 'packages/queue', 'packages/gateway'];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = WORKSPACES.map(closureOf);
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
    process.stdout.write('What a project that depends on each package installs (production dependencies):\n\n');
    for (const row of rows) {
      const native = row.native.length === 0 ? 'nothing native' : `native builds: ${row.native.join(', ')}`;
      process.stdout.write(
        `${row.package.padEnd(22)} ${String(row.count).padStart(3)} packages  ${mb(row.bytes).padStart(8)}  ${native}\n`,
      );
      process.stdout.write(
        `${''.padEnd(22)} largest: ${row.largest.map((p) => `${p.name} ${mb(p.bytes)}`).join(', ')}\n`,
      );
    }
    process.stdout.write(
      '\n(A workspace package counts as its built dist/; the root row leaves out the engine itself.)\n',
    );
  }
}
