/**
 * Sends a stream of messages through one connector, a bounded number at a time, recording each in a
 * journal before and after its request, so that a stopped run can be resumed: nothing lost, nothing
 * sent twice. Memory stays flat: results are counted, and only failures are kept.
 */
import type { Connector, OutgoingMessage } from '../connector/connector.js';
import type { SendResult } from '../result.js';
import { isBadRow, type BulkItem, type BulkMessage, type BulkProgress, type BulkSummary } from './items.js';
import { JournalError, resumeAction, type Journal, type JournalOutcome, type JournalState } from './journal.js';
import { createTally } from './tally.js';

/** Options of {@link sendMany}. */
export interface SendManyOptions {
  /**
   * Where to record each message; with one, a run resumes what earlier runs recorded (see
   * `resumeAction`). `sendMany` loads it first and closes it at the end.
   */
  journal?: Journal;
  /** Requests in flight at most. Default 8. */
  concurrency?: number;
  /** Called after every item with the counts so far. */
  onProgress?: (progress: BulkProgress) => void;
  /** Stops reading messages; those in flight finish and are recorded, and the summary says `interrupted`. */
  signal?: AbortSignal;
  /**
   * The caller vouches that no id repeats (`readRecipients` ids are line numbers). With a journal,
   * `sendMany` otherwise keeps every id of the run to refuse a repeat, which grows with the input
   * (about 60 bytes an id); with this it keeps none, so memory stays flat however long the input.
   */
  uniqueIds?: boolean;
}

/**
 * Sends every message of `items` (bad rows are only counted), each once. With a journal:
 * a message is recorded as intended before its request goes out (once the rate limits let it go:
 * `connector` must call the message's `beforeSend`, as connectors and routers do) and with its
 * outcome after; one
 * an earlier run sent is skipped, one it left ambiguous is never sent again but listed, and
 * `%message_id%` is `<campaign>-<id>`, the same on every run of that journal. A failed journal
 * write stops the run: no request goes out after it, and the call rejects with a
 * {@link JournalError} whose `summary` says what was done. So does a message whose id the journal
 * recorded for another recipient (`JOURNAL_MISMATCH`). Ids must be unique; with a journal a
 * repeated one is a bad row. Never throws for what a provider or the network does.
 * @example
 * const journal = createJsonlJournal('campaign.journal.jsonl');
 * const summary = await sendMany(sb, readRecipients('campaign.csv', { body: 'Hi %csv[name]%' }), { journal });
 * // { sent: 998, skipped: 0, failed: [{ id: '17', to: '+1555…', code: 'PROVIDER_ERROR', … }], ambiguous: [], badRows: [{ id: '40', line: 40, error: 'no number in column "to"' }], … }
 */
export async function sendMany(
  connector: Pick<Connector, 'sendMessage'>,
  items: AsyncIterable<BulkItem> | Iterable<BulkItem>,
  options: SendManyOptions = {},
): Promise<BulkSummary> {
  const { journal } = options;
  try {
    const state: JournalState = journal === undefined ? { entries: new Map(), warnings: [] } : await journal.load();
    return await run(connector, items, state, options);
  } finally {
    await journal?.close();
  }
}

/** The state of one run. `stop` is the first reason to stop: a journal failure, a mismatch, a programmer error. */
interface Run {
  readonly connector: Pick<Connector, 'sendMessage'>;
  readonly journal: Journal | undefined;
  readonly state: JournalState;
  readonly tally: ReturnType<typeof createTally>;
  /** Ids of this run, to refuse a repeated one (kept only with a journal). */
  readonly seen: Set<string> | undefined;
  readonly slots: Slots;
  readonly report: (() => void) | undefined;
  stop: unknown;
  interrupted: boolean;
}

async function run(
  connector: Pick<Connector, 'sendMessage'>,
  items: AsyncIterable<BulkItem> | Iterable<BulkItem>,
  state: JournalState,
  options: SendManyOptions,
): Promise<BulkSummary> {
  const tally = createTally(state);
  const slots = createSlots(Math.max(1, options.concurrency ?? 8));
  const seen = options.journal === undefined || options.uniqueIds === true ? undefined : new Set<string>();
  const { onProgress } = options;
  const report = onProgress === undefined ? undefined : () => onProgress(tally.progress(slots.busy()));
  const r: Run = {
    connector,
    journal: options.journal,
    state,
    tally,
    seen,
    slots,
    report,
    stop: undefined,
    interrupted: false,
  };
  try {
    await pump(r, items, options.signal);
  } catch (error) {
    r.stop ??= error; // reading the messages failed
  }
  await slots.drained();
  tally.summary.interrupted = r.interrupted;
  if (r.stop instanceof JournalError) r.stop.summary = tally.summary;
  if (r.stop !== undefined) throw r.stop as unknown;
  return tally.summary;
}

/** Reads items and starts a request for each one to send, as places free up; the intent is recorded first. */
async function pump(
  r: Run,
  items: AsyncIterable<BulkItem> | Iterable<BulkItem>,
  signal: AbortSignal | undefined,
): Promise<void> {
  // A plain iterable is read without `for await`, which would cost a promise and a turn per item.
  if (Symbol.iterator in items) {
    for (const item of items) {
      const going = step(r, item, signal);
      if (!(going === true || (going !== false && (await going)))) return;
    }
    return;
  }
  for await (const item of items) {
    const going = step(r, item, signal);
    if (!(going === true || (going !== false && (await going)))) return;
  }
}

/** Handles one item: settles it, or starts its request once a place is free. False when the run must stop reading. */
function step(r: Run, item: BulkItem, signal: AbortSignal | undefined): boolean | Promise<boolean> {
  if (r.stop !== undefined) return false;
  if (signal?.aborted === true) {
    r.interrupted = true;
    return false;
  }
  if (settled(r, item)) {
    r.report?.();
    return true;
  }
  // A free place first, so an intent is written only when its request can go out at once.
  const wait = r.slots.take();
  if (wait === undefined) return start(r, item as BulkMessage);
  return wait.then(() => start(r, item as BulkMessage));
}

/** Starts one message in the place it was given. */
function start(r: Run, message: BulkMessage): boolean {
  if (r.stop !== undefined) {
    r.slots.release();
    return false; // no request after a failed write
  }
  void deliver(r, message);
  return true;
}

/** Sends one message, records what became of it and frees its place. Never rejects: what throws stops the run. */
async function deliver(r: Run, message: BulkMessage): Promise<void> {
  try {
    await sendOne(r, message);
  } catch (error) {
    r.stop ??= error; // the caller's onProgress threw
  } finally {
    r.slots.release();
  }
}

/**
 * The message's `beforeSend`: records its intent, and lets the request go only once that is
 * written and the run is not stopping. The connector calls it after the rate limits let the
 * request go, so a message still waiting for them has no intent yet. Intents of one turn of the
 * event loop share a write (the journal's group commit).
 */
function intend(r: Run, journal: Journal, message: BulkMessage): Promise<boolean> | false {
  if (r.stop !== undefined) return false;
  return journal.intend({ id: message.id, to: message.to }).then(
    () => r.stop === undefined,
    (error: unknown) => {
      r.stop ??= journalFailure(error);
      return false;
    },
  );
}

/**
 * The message's `afterNotSent`: its request certainly did not arrive and the connector waits to
 * try again, so the intent is taken back; a run that dies during the wait sends it on resume.
 */
async function withdraw(r: Run, journal: Journal, message: BulkMessage): Promise<void> {
  try {
    await journal.withdraw?.({ id: message.id, to: message.to });
  } catch (error) {
    r.stop ??= journalFailure(error);
  }
}

type Slots = ReturnType<typeof createSlots>;

/**
 * Counts free places for requests. `take` waits only when none is free; there is one waiter (the
 * pump), woken by the next `release` (racing every request in flight would cost work for each of
 * them on every message). `drained` resolves once every place is free again.
 */
function createSlots(limit: number) {
  let free = limit;
  let waiter: (() => void) | undefined;
  let idle: (() => void) | undefined;
  return {
    /** Takes a free place; when there is none, returns a promise that resolves once one is taken. */
    take(): Promise<void> | undefined {
      if (free > 0) {
        free--;
        return undefined;
      }
      return new Promise<void>((resolve) => {
        waiter = () => {
          free--;
          resolve();
        };
      });
    },
    release(): void {
      free++;
      const wake = waiter;
      waiter = undefined;
      wake?.();
      if (free === limit) idle?.();
    },
    busy: (): number => limit - free,
    drained(): Promise<void> {
      if (free === limit) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle = resolve;
      });
    },
  };
}

/** Settles an item that is not to be sent (a bad row, a repeated id, one an earlier run settled); false when it is to be sent. */
function settled(r: Run, item: BulkItem): boolean {
  if (isBadRow(item)) {
    r.tally.badRow(item);
    return true;
  }
  const entry = r.state.entries.get(item.id);
  if (entry !== undefined && entry.to !== '' && entry.to !== item.to) {
    r.stop = mismatch(item, entry.to, entry.line);
    return true;
  }
  if (r.seen?.has(item.id) === true) {
    r.tally.badRow({ id: item.id, error: `id ${item.id} appears twice; sent only once` });
    return true;
  }
  r.seen?.add(item.id);
  const action = resumeAction(entry);
  if (entry === undefined || action === 'send') return false;
  r.tally.earlier(item, entry, action);
  return true;
}

/** Sends one message and records what became of it. */
async function sendOne(r: Run, message: BulkMessage): Promise<void> {
  const messageId = r.state.campaign === undefined ? message.id : `${r.state.campaign}-${message.id}`;
  const { journal } = r;
  const outgoing: OutgoingMessage = { to: message.to, body: message.body, messageId };
  if (journal !== undefined) {
    outgoing.beforeSend = () => intend(r, journal, message);
    if (journal.withdraw !== undefined) outgoing.afterNotSent = () => withdraw(r, journal, message);
  }
  let result: SendResult;
  try {
    [result] = (await r.connector.sendMessage(outgoing)) as [SendResult];
  } catch (error) {
    r.stop ??= error; // a programmer error; the message keeps its intent only, so it is held as ambiguous
    return;
  }
  if (result.code === 'NOT_SENT') return; // the run is stopping, and this message did not go out
  const outcome = outcomeOf(message, result);
  r.tally.outcome(message, outcome);
  if (journal !== undefined) {
    try {
      const recorded = journal.record(message.id, outcome);
      if (recorded !== undefined) await recorded;
    } catch (error) {
      r.stop ??= journalFailure(error);
    }
  }
  r.report?.();
}

/** What the journal keeps of a result: its fields without the response (also what queue workers record). */
export function outcomeOf(message: BulkMessage, r: SendResult): JournalOutcome {
  // Built field by field (a spread per optional field would cost an object each, per message).
  const outcome = {
    event: r.ok ? 'sent' : r.ambiguous ? 'ambiguous' : 'failed',
    to: message.to,
    status: r.status,
  } as Writable<JournalOutcome>;
  if (r.code !== undefined) outcome.code = r.code;
  if (r.error !== undefined) outcome.error = r.error;
  if (r.providerCode !== undefined) outcome.providerCode = r.providerCode;
  outcome.retryable = r.retryable;
  if (r.messageId !== undefined) outcome.messageId = r.messageId;
  if (r.partMessageIds !== undefined) outcome.partMessageIds = r.partMessageIds;
  if (r.attempts !== undefined) outcome.attempts = r.attempts;
  outcome.durationMs = r.durationMs;
  return outcome;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function journalFailure(error: unknown): JournalError {
  if (error instanceof JournalError) return error;
  return new JournalError(
    'JOURNAL_FAILED',
    `could not write the journal (${error instanceof Error ? error.message : String(error)})`,
    {},
    { cause: error },
  );
}

function mismatch(message: BulkMessage, recorded: string, line: number | undefined): JournalError {
  const where = line === undefined ? '' : ` (line ${line})`;
  return new JournalError(
    'JOURNAL_MISMATCH',
    `message ${message.id} is to ${message.to}, but the journal recorded it to ${recorded}${where}: the messages changed since that run, so resuming could send to the wrong people or twice. Resume with the same input, or start a new journal.`,
    line === undefined ? {} : { line },
  );
}
