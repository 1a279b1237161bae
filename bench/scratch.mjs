/**
 * Temporary folders for a bench: made under the system's temporary folder and removed when the
 * process exits (a bench keeps thousands of messages and pictures there: the media bench writes
 * about a gigabyte).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder whose name starts with `prefix`, removed at exit. */
export async function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
