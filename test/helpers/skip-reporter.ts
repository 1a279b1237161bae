/**
 * A Vitest reporter that ends the run with what did not run for want of `redis-server` or
 * PostgreSQL: the skipped tests that name the reason (the helpers' NO_REDIS / NO_POSTGRES), by
 * file, and a line per missing service for the tests that leave out their PostgreSQL variant.
 * Silent when both are installed.
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { hasPostgres, NO_POSTGRES } from './postgres.js';
import { hasRedis, NO_REDIS } from './redis.js';

const MISSING = [
  { present: hasRedis, reason: NO_REDIS, marker: 'redis-server is not installed' },
  { present: hasPostgres, reason: NO_POSTGRES, marker: 'PostgreSQL is not installed' },
];

/** Lines naming the skipped tests for each missing service (empty when nothing is missing). */
export function skippedLines(modules: readonly TestModule[], root: string): string[] {
  const lines: string[] = [];
  for (const { present, reason, marker } of MISSING) {
    if (present) continue;
    const byFile = new Map<string, number>();
    for (const module of modules)
      for (const test of module.children.allTests('skipped'))
        if (test.fullName.includes(marker)) {
          const file = relative(root, module.moduleId);
          byFile.set(file, (byFile.get(file) ?? 0) + 1);
        }
    const count = [...byFile.values()].reduce((a, b) => a + b, 0);
    lines.push(`Not run: ${reason}. ${count} tests skipped${count === 0 ? '' : ':'}`);
    for (const [file, n] of byFile) lines.push(`  ${file}: ${n}`);
    if (marker.startsWith('PostgreSQL'))
      lines.push('  and the gateway tests that run on each database ran on SQLite only.');
  }
  return lines;
}

/** The reporter: prints {@link skippedLines} after the run's summary. */
export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const lines = skippedLines(modules, process.cwd());
    if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
