/**
 * The SQLite file around the store: created private, held by one gateway process, and checked
 * before it is used. The guard is a second, tiny SQLite file (`<file>.lock`) that the process keeps
 * an exclusive lock on for its life: the operating system releases that lock when the process ends
 * however it ends (kill -9 included), and the database itself stays in SQLite's normal locking, so
 * an admin can read it (`sqlite3`, `switchboard gateway backup`) while the gateway runs.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SwitchboardError } from 'switchboard/internal/errors.js';

type Db = InstanceType<typeof Database>;

/**
 * Creates `file` readable and writable by its owner only, when it does not exist yet. SQLite gives
 * the `-wal` and `-shm` files it creates the mode of the database file, so they are private too.
 */
export function createPrivate(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
}

/**
 * Takes the one-process-per-file guard of `file`; throws a USAGE error naming the way out when
 * another process holds it. The returned database is the held lock: close it to let go.
 */
export function holdLock(file: string): Db {
  const path = `${file}.lock`;
  createPrivate(path);
  const lock = new Database(path, { timeout: 0 });
  try {
    lock.pragma('journal_mode = MEMORY');
    // Kept after the first write until the connection closes (https://sqlite.org/pragma.html#pragma_locking_mode).
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL); DELETE FROM holder');
    lock.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new SwitchboardError(
      'USAGE',
      `${file} is in use by another gateway process; an SQLite file serves one process (use PostgreSQL for several)`,
    );
  }
}

/** Whether an SQLite error says the file is not a sound database. */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/** The one sentence an admin gets for a damaged file, and what to do. */
export function damaged(file: string, detail: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(
    'STORE_DAMAGED',
    `${file} is damaged (${detail}); the gateway does not start on it: restore the last backup (switchboard gateway backup makes one), or move the file aside to start empty`,
    cause === undefined ? undefined : { cause },
  );
}

/** Runs SQLite's `quick_check` on `db` (the file `file`); throws {@link damaged} when it finds a fault. */
export function checkIntact(db: Db, file: string): void {
  let faults: string[];
  try {
    // The first fault is enough to refuse the file; SQLite writes it on several lines.
    faults = (db.pragma('quick_check(1)') as { quick_check: string }[]).map((r) => r.quick_check.replace(/\s+/g, ' '));
  } catch (error) {
    if (isDamage(error)) throw damaged(file, (error as Error).message.replace(/\s+/g, ' '), error);
    throw error;
  }
  if (faults.length !== 1 || faults[0] !== 'ok') throw damaged(file, `quick_check: ${faults.join('; ')}`);
}

/** The one sentence for a file found damaged while the gateway serves from it. */
export function damagedWhileServing(file: string, detail: string): string {
  return `${file} is damaged (${detail.replace(/\s+/g, ' ')}); the gateway cannot serve from it: restore the last backup (switchboard gateway backup makes one), or move the file aside to start empty, then restart the gateway`;
}
