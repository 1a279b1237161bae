/**
 * The journal of a bulk send: each message is recorded as intended before its request goes out,
 * and as sent, failed or ambiguous after. A run that stopped (a crash, `kill -9`, a full disk) is
 * resumed from it without losing or doubling a message. {@link sendMany} takes any {@link Journal};
 * {@link createJsonlJournal} is the file one.
 */
import { SwitchboardError } from '../errors.js';
import type { ResultCode } from '../result.js';
import type { BulkSummary } from './items.js';

/**
 * The events of one message: `intent` before the request, one of the outcomes after, and
 * `withdrawn` when a request certainly did not arrive and the message waits to be tried again.
 */
export type JournalEvent = 'intent' | 'withdrawn' | 'sent' | 'failed' | 'ambiguous';

/** What became of a message, as the journal keeps it: the send result without the response. */
export interface JournalOutcome {
  readonly event: 'sent' | 'failed' | 'ambiguous';
  readonly to: string;
  readonly status: number;
  readonly code?: ResultCode;
  /** Already masked by the connector. */
  readonly error?: string;
  readonly providerCode?: string;
  readonly retryable: boolean;
  /** The provider's id for the message. */
  readonly messageId?: string;
  readonly partMessageIds?: readonly string[];
  /** Requests made, when the connector retried. */
  readonly attempts?: number;
  readonly durationMs: number;
}

/** What the journal knows of one message id: its last record. */
export interface JournalEntry {
  /** The recipient recorded; `''` when a damaged record did not show it. */
  readonly to: string;
  /** The last event; `unreadable` when the last record naming this id is damaged. */
  readonly event: JournalEvent | 'unreadable';
  readonly code?: string;
  readonly error?: string;
  readonly retryable?: boolean;
  /** Where the record is (a line of a file journal), for people. */
  readonly line?: number;
}

/** What earlier runs recorded. */
export interface JournalState {
  /**
   * A random id kept by the journal for all its runs. When present, `%message_id%` is
   * `<campaign>-<message id>`: the same on a resumed run, different for another send of the same file.
   */
  readonly campaign?: string;
  readonly entries: ReadonlyMap<string, JournalEntry>;
  /** Damage that was recovered from (a cut-off last line), for people. */
  readonly warnings: readonly string[];
}

/**
 * Where a bulk send records what it does. {@link sendMany} calls `load` once, then `intend` before
 * each request and `record` after it, and `close` at the end. A method that rejects stops the run:
 * no request goes out after a failed write.
 */
export interface Journal {
  /** What earlier runs recorded; rejects with {@link JournalError} when it cannot be trusted. */
  load(): Promise<JournalState>;
  /** Records that the message is about to be sent. Must be durable enough for you before it resolves. */
  intend(message: { readonly id: string; readonly to: string }): Promise<void>;
  /**
   * Records what became of the message. May return nothing when it is done at once (and throw
   * when that fails); `sendMany` then saves a turn of the event loop per message.
   */
  record(id: string, outcome: JournalOutcome): Promise<void> | void;
  /**
   * Takes back the intent of a message whose request certainly did not arrive, before the
   * connector's retry pause: a run that dies meanwhile then sends it again on resume. Optional: a
   * journal without it keeps the intent, and such a message resumes as ambiguous. It need not wait
   * for the disk (a lost withdrawal only keeps the message held), but must stay before any later
   * intent of the same message.
   */
  withdraw?(message: { readonly id: string; readonly to: string }): Promise<void> | void;
  close(): Promise<void>;
}

/**
 * What a resumed run does with a message the journal knows:
 * - `sent`: skip it.
 * - `failed` and retryable (408, 429, 503, a refused connection: nothing arrived): send it again.
 * - `withdrawn` (its request certainly did not arrive, and it was waiting for a retry): send it again.
 * - `failed` and not retryable (the provider refused it, an invalid number): do not send it again; report it.
 * - an intent without an outcome, an `ambiguous` result, or an unreadable record: it may have reached
 *   the provider, so never send it again automatically; list it for the user to decide.
 */
export function resumeAction(entry: JournalEntry | undefined): 'send' | 'skip' | 'failed' | 'ambiguous' {
  if (entry === undefined) return 'send';
  if (entry.event === 'sent') return 'skip';
  if (entry.event === 'withdrawn') return 'send';
  if (entry.event === 'failed') return entry.retryable === true ? 'send' : 'failed';
  return 'ambiguous';
}

/**
 * The journal cannot be read or written, or does not match the messages. Codes:
 * `JOURNAL_CORRUPT` (a damaged record that names no message), `JOURNAL_FAILED` (a write failed;
 * the run stopped), `JOURNAL_MISMATCH` (a message id the journal recorded for another recipient),
 * `JOURNAL_LOCKED` (another run is using the journal).
 */
export class JournalError extends SwitchboardError {
  override name = 'JournalError';
  /** What the run did before it stopped, when it stopped during {@link sendMany}. */
  summary?: BulkSummary;
  constructor(
    code: 'JOURNAL_CORRUPT' | 'JOURNAL_FAILED' | 'JOURNAL_MISMATCH' | 'JOURNAL_LOCKED',
    message: string,
    /** The journal's file or name, and the line of a damaged record. */
    readonly where: { readonly file?: string; readonly line?: number } = {},
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}
