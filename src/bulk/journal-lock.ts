/**
 * One run at a time per journal: a lock file next to it (`<journal>.lock`) holding the owner's
 * process id and host. Two runs appending to one journal could each send a message the other
 * has not recorded yet. A lock left by a run that died (`kill -9`) on this host is taken over;
 * one from another host cannot be checked, so it is refused with the way out.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { JournalError } from './journal.js';

/** What a lock file holds. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly at: string;
}

/** Takes the lock of `journal`; returns its release. Throws JournalError `JOURNAL_LOCKED` when another run holds it. */
export function lockJournal(journal: string): () => void {
  const path = `${journal}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), at: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new JournalError(
          'JOURNAL_FAILED',
          `could not lock the journal ${journal} (${(error as Error).message})`,
          { file: journal },
          { cause: error },
        );
      }
    }
    const owner = readOwner(path);
    if (attempt === 0 && owner !== undefined && owner.host === me.host && !alive(owner.pid)) {
      unlinkSync(path); // left by a run that died; the journal itself tells what it did
      continue;
    }
    const who = owner === undefined ? 'another run' : `process ${owner.pid} on ${owner.host} (since ${owner.at})`;
    throw new JournalError(
      'JOURNAL_LOCKED',
      `the journal ${journal} is in use by ${who}: two runs on one journal could send a message twice. Wait for that run to finish; if it is not running any more, delete ${path} and run again.`,
      { file: journal },
    );
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host, at: String(owner.at) }
      : undefined;
  } catch {
    return undefined; // unreadable (being written, or damaged): treated as held
  }
}

/** Whether a process with this id runs on this host (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
