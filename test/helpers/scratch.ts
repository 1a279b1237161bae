/**
 * Vitest's global setup: every test run gets one scratch folder, removed when the run ends. Tests
 * make their temporary files (SQLite files, PostgreSQL clusters, journals, CLI output) with
 * `mkdtemp(tmpdir())`; pointing TMPDIR here, before the test processes start, puts them all in it,
 * so a run leaves nothing behind in the system's temporary folder, however a test ends.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function setup(): Promise<() => Promise<void>> {
  const scratch = await mkdtemp(join(tmpdir(), 'switchboard-tests-'));
  // Searchable by other users: a test's PostgreSQL runs as `postgres` when the tests run as root.
  await chmod(scratch, 0o711);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  return async () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    await rm(scratch, { recursive: true, force: true });
  };
}
