/**
 * One run at a time per journal: a lock file next to it (`<journal>.lock`) holding the owner's
 * process id and host. Two runs appending to one journal could each send a message the other
 * has not recorded yet. A lock left by a run that died (`kill -9`) on this host is taken over;
 * one from another host cannot be checked, so it is refused with the way out.
 *
 * Every step is atomic, so runs started together cannot both win:
 * - The lock appears whole or not at all: the owner record is written to a file of its own, then
 *   hard-linked to the lock's name (link fails if the name exists, as `open(O_EXCL)` does).
 * - Only one run at a time may remove a dead run's lock: the one that creates `<journal>.lock.takeover`
 *   (`O_EXCL`). It reads the lock again and removes it only if it is still the dead run's, then
 *   links its own. A run that finds the takeover under way, or the lock gone to a live run, is refused.
 */
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
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
  const me = `${JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() })}\n`;
  if (create(path, me, journal)) return releaseOf(path, me);
  let seen = readLock(path);
  // Released between our two looks: one more try, as a run started a moment later would.
  if (seen === undefined && create(path, me, journal)) return releaseOf(path, me);
  seen ??= readLock(path);
  if (seen?.owner !== undefined && isDead(seen.owner)) {
    if (takeOver(path, seen.text, me, journal)) return releaseOf(path, me);
    const now = readLock(path)?.owner;
    throw locked(
      journal,
      path,
      now === undefined || isDead(now) ? 'another run (taking over the lock of a run that died)' : holder(now),
    );
  }
  throw locked(journal, path, seen?.owner === undefined ? 'another run' : holder(seen.owner));
}

/** Creates the lock holding `text`, whole; false when it exists. */
function create(path: string, text: string, journal: string): boolean {
  const draft = `${path}.${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    writeFileSync(draft, text, { flag: 'wx' });
    try {
      linkSync(draft, path);
      return true;
    } catch (error) {
      if (code(error) === 'EEXIST') return false;
      if (code(error) !== 'EPERM' && code(error) !== 'ENOTSUP' && code(error) !== 'ENOSYS') throw error;
      return createExclusive(path, text); // a file system without hard links
    } finally {
      unlinkQuietly(draft);
    }
  } catch (error) {
    throw new JournalError(
      'JOURNAL_FAILED',
      `could not lock the journal ${journal} (${(error as Error).message})`,
      { file: journal },
      { cause: error },
    );
  }
}

/** `open(O_EXCL)` and write: the lock may be seen empty for a moment (then it is taken as held). */
function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Replaces the lock of a dead run, whose lock file read `stale`, with `me`; false when another run
 * is taking it over at the same moment or has already taken it.
 */
function takeOver(path: string, stale: string, me: string, journal: string): boolean {
  const guard = `${path}.takeover`;
  try {
    closeSync(openSync(guard, 'wx'));
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    throw new JournalError('JOURNAL_FAILED', `could not lock the journal ${journal} (${(error as Error).message})`, {
      file: journal,
    });
  }
  try {
    const now = readLock(path);
    if (now !== undefined && now.text !== stale) return false; // a live run took it before us
    if (now !== undefined) unlinkQuietly(path);
    return create(path, me, journal);
  } finally {
    unlinkQuietly(guard);
  }
}

/** Removes the lock if it is still ours. */
function releaseOf(path: string, me: string): () => void {
  return () => {
    if (readLock(path)?.text === me) unlinkQuietly(path);
  };
}

function holder(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host} (since ${owner.at})`;
}

function locked(journal: string, path: string, who: string): JournalError {
  return new JournalError(
    'JOURNAL_LOCKED',
    `the journal ${journal} is in use by ${who}: two runs on one journal could send a message twice. Wait for that run to finish; if it is not running any more, delete ${path} (and ${path}.takeover, if there is one) and run again.`,
    { file: journal },
  );
}

/** The lock file's text and its owner; undefined when there is no lock file. */
function readLock(path: string): { text: string; owner: LockOwner | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    return { text: '', owner: undefined }; // unreadable: treated as held
  }
  return { text, owner: parseOwner(text) };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host, at: String(owner.at) }
      : undefined;
  } catch {
    return undefined; // damaged, or being written without hard links: treated as held
  }
}

/** Whether the owner is a process of this host that no longer runs (EPERM: it runs, as another user). */
function isDead(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return code(error) !== 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}
