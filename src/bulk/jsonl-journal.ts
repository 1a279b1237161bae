/**
 * The file journal: one JSON record a line (JSONL), appended, never rewritten.
 *
 * ```
 * {"v":1,"event":"start","campaign":"3f9a1c2e","at":"2026-01-05T10:00:00.000Z"}
 * {"v":1,"id":"2","at":"…","event":"intent","to":"+15558675310"}
 * {"v":1,"id":"2","at":"…","event":"sent","to":"+15558675310","status":201,"retryable":false,"messageId":"SM…","durationMs":212}
 * ```
 *
 * A `start` record opens every run and carries the journal's campaign id. A message has an
 * `intent` record, written before its request goes out, then `sent`, `failed` or `ambiguous` with
 * the result's fields (`status`, `code`, `error`, `providerCode`, `retryable`, `messageId`,
 * `partMessageIds`, `attempts`, `durationMs`); errors are already masked and no response body is kept.
 * A `withdrawn` record between an intent and a retry's next intent says the first request
 * certainly did not arrive.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { JournalError, type Journal, type JournalOutcome, type JournalState } from './journal.js';
import { readJournal } from './read-journal.js';
import { lockJournal } from './journal-lock.js';

/** How long an outcome line may wait for the next intent's write. */
const OUTCOME_FLUSH_MS = 50;

/** Options of {@link createJsonlJournal}. */
export interface JsonlJournalOptions {
  /**
   * Wait for the disk after every record (fdatasync). Default false: each record is one write(2),
   * so it is the kernel's before the request goes out and survives the process dying (a crash,
   * `kill -9`), but a power loss may lose the last records, and then a resumed run may send those
   * messages again. With `fsync` a power loss loses nothing, at the cost of a disk flush per
   * record (often milliseconds each, which bounds the rate).
   */
  fsync?: boolean;
}

/**
 * A journal in the JSONL file `file`, created on the first record. `load()` reads it as
 * `readJournal` documents and cuts off a last line that an interrupted write left incomplete, so
 * new records start on a line of their own. A failed write (a full disk: `ENOSPC`) rejects with
 * {@link JournalError} `JOURNAL_FAILED`, and so does every later write. From `load()` to `close()`
 * the journal is locked (`<file>.lock`): another run's `load()` rejects with `JOURNAL_LOCKED`,
 * unless the run that left the lock died on this host.
 * @example
 * const journal = createJsonlJournal('campaign.journal.jsonl');
 * const summary = await sendMany(sb, readRecipients('campaign.csv', { body: 'Hi %csv[name]%' }), { journal });
 */
export function createJsonlJournal(file: string, options: JsonlJournalOptions = {}): Journal {
  let fd: number | undefined;
  let failure: JournalError | undefined;
  let campaign: string | undefined;
  let repair: { truncateTo?: number; newline?: boolean } = {};
  let unlock: (() => void) | undefined;

  const open = (): number => {
    const handle = openSync(file, 'a');
    if (repair.truncateTo !== undefined) ftruncateSync(handle, repair.truncateTo);
    if (repair.newline === true) writeAll(handle, '\n');
    writeAll(
      handle,
      `${JSON.stringify({ v: 1, event: 'start', campaign: (campaign ??= newCampaign()), at: new Date().toISOString() })}\n`,
    );
    return handle;
  };
  // Outcome lines wait for the next intents' write (or a short timer). Only intents must be on
  // record before a request goes out; an outcome lost in a crash leaves its intent alone, and that
  // message resumes as ambiguous: listed, never sent again.
  let pending = '';
  let flushTimer: NodeJS.Timeout | undefined;
  const flushSoon = () => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      if (pending !== '' && failure === undefined) {
        try {
          append('');
        } catch {
          // the failure is kept and reported by the next intent, record or close
        }
      }
    }, OUTCOME_FLUSH_MS);
    flushTimer.unref();
  };
  // Intents waiting for the next group commit share one promise: it resolves once their lines
  // are written, or rejects with the write's failure.
  let batch: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  const commit = () => {
    const waiting = batch as NonNullable<typeof batch>;
    batch = undefined;
    try {
      append('');
      waiting.resolve();
    } catch (error) {
      waiting.reject(error);
    }
  };
  /** Adds `line` to the next group commit; resolves once it is written. */
  const commitLine = (line: string): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure);
    pending += line;
    if (batch === undefined) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      batch = { promise, resolve, reject };
      setImmediate(commit);
    }
    return batch.promise;
  };
  const append = (line: string): void => {
    if (failure !== undefined) throw failure;
    try {
      fd ??= open();
      const text = pending + line;
      pending = '';
      if (text !== '') writeAll(fd, text);
      if (options.fsync === true) fdatasyncSync(fd);
    } catch (error) {
      failure = new JournalError(
        'JOURNAL_FAILED',
        `could not write the journal ${file} (${(error as Error).message})`,
        { file },
        { cause: error },
      );
      throw failure;
    }
  };

  return {
    async load(): Promise<JournalState> {
      unlock ??= lockJournal(file);
      const existing = statOrUndefined(file);
      if (existing === undefined || !existing.isFile() || existing.size === 0) {
        campaign ??= newCampaign();
        return { campaign, entries: new Map(), warnings: [] };
      }
      const read = await readJournal(file);
      campaign = read.campaign ?? newCampaign();
      // A cut-off end is truncated; whole records left without their newline get one first.
      repair = {
        ...(read.validBytes < existing.size ? { truncateTo: read.validBytes } : {}),
        newline: read.needsNewline,
      };
      return { campaign, entries: read.entries, warnings: read.warnings };
    },
    intend({ id, to }) {
      // Group commit: intents made in the same turn of the event loop go out in one write (and one
      // flush with fsync). The promise resolves only once the line is written, and a message is
      // sent only after that, so an intent is still on record before its request goes out.
      return commitLine(`${recordStart(id)}"intent","to":${JSON.stringify(to)}}\n`);
    },
    withdraw({ id, to }) {
      // Committed like an intent, before the retry's wait begins: a run that dies during the wait
      // then finds the message certainly unsent. (Dying before this write leaves it held as ambiguous.)
      return commitLine(`${recordStart(id)}"withdrawn","to":${JSON.stringify(to)}}\n`);
    },
    record(id, outcome: JournalOutcome): void {
      // The outcome's fields follow `event` (outcomes made by `outcomeOf` begin with it).
      const json = JSON.stringify(outcome);
      const line = json.startsWith(EVENT_FIRST)
        ? `${recordStart(id)}${json.slice(EVENT_FIRST.length)}\n`
        : `${JSON.stringify({ v: 1, id, at: isoNow(), ...outcome })}\n`;
      if (options.fsync === true) return append(line);
      if (failure !== undefined) throw failure;
      pending += line;
      flushSoon();
    },
    async close() {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      try {
        if (pending !== '') append('');
      } finally {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
        unlock?.();
        unlock = undefined;
      }
    },
  };
}

const EVENT_FIRST = '{"event":';

/** The start of a message's record, up to `"event":`. */
function recordStart(id: string): string {
  return `{"v":1,"id":${JSON.stringify(id)},"at":"${isoNow()}","event":`;
}

let lastMs = 0;
let lastIso = '';
/** The time as ISO 8601, formatted once a millisecond however many records share it. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** Writes all of `text`; a short write (the disk filling up) continues until the kernel reports the error. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length;) {
    const written = writeSync(fd, bytes, at, bytes.length - at);
    if (written <= 0) throw new Error('the write made no progress');
    at += written;
  }
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new JournalError(
      'JOURNAL_FAILED',
      `could not read the journal ${file} (${(error as Error).message})`,
      { file },
      { cause: error },
    );
  }
}

/** Eight hex digits: short enough for a provider's client reference, enough to tell sends apart. */
function newCampaign(): string {
  return randomBytes(4).toString('hex');
}
