// Vitest's defaults, plus a scratch folder for each run's temporary files, removed when the run ends
// (test/helpers/scratch.ts), and a reporter that ends every run by naming what was skipped for want
// of redis-server or PostgreSQL (issue 16, item 17), so a green run on a machine without them says so.
// The workspace packages import the engine as `switchboard/internal/…` (and the gateway the queue as
// `@switchboard/queue/internal/…`); in tests those names resolve to the sources, as the tests' own
// relative imports do, so each module is loaded once (one ConfigError class, one registry).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const SOURCES = [
  ['@switchboard/gateway', 'packages/gateway/src/'],
  ['@switchboard/queue', 'packages/queue/src/'],
  ['switchboard', 'src/'],
];

export default defineConfig({
  resolve: {
    alias: SOURCES.flatMap(([name, dir]) => [
      { find: new RegExp(`^${name}/internal/(.*)\\.js$`), replacement: `${here(dir)}$1.ts` },
      { find: new RegExp(`^${name}/commands$`), replacement: here(`${dir}commands.ts`) },
      { find: new RegExp(`^${name}$`), replacement: here(`${dir}index.ts`) },
    ]),
  },
  test: { reporters: ['default', './test/helpers/skip-reporter.ts'], globalSetup: ['./test/helpers/scratch.ts'] },
});
