/** What flows through a bulk send: messages in, a progress count while it runs, a summary out. */
import type { ResultCode } from '../result.js';

/** One message of a bulk send, to one recipient. */
export interface BulkMessage {
  /**
   * Stable id: the same message must have the same id in every run, so a resumed run can tell
   * what was already sent. Unique within a send. (CSV rows: the row's line number.)
   */
  readonly id: string;
  /** The recipient, as written; the provider's number rules format it. */
  readonly to: string;
  /** The text, exactly as it must arrive. */
  readonly body: string;
}

/** An input row that could not become a message (no number, a missing value, broken quoting); nothing is sent for it. */
export interface BadRow {
  readonly id: string;
  /** Where in the input, for people: the line the row starts on. */
  readonly line?: number;
  /** What is wrong, as a sentence fragment. */
  readonly error: string;
}

/** What {@link sendMany} takes: messages, and bad rows to report in the summary. */
export type BulkItem = BulkMessage | BadRow;

/** Whether an item is a bad row rather than a message. */
export function isBadRow(item: BulkItem): item is BadRow {
  return 'error' in item;
}

/** Counts so far, passed to `onProgress` after every item. */
export interface BulkProgress {
  /** Items finished: sent, failed, ambiguous, skipped or bad. */
  readonly done: number;
  readonly sent: number;
  readonly failed: number;
  readonly ambiguous: number;
  /** Sent by an earlier run, so not sent again. */
  readonly skipped: number;
  readonly badRows: number;
  /** Requests under way. */
  readonly inFlight: number;
}

/** A message that was not delivered: the provider refused it or it could not be sent. */
export interface BulkFailure {
  readonly id: string;
  readonly to: string;
  readonly code?: ResultCode | (string & {});
  readonly error?: string;
  /** HTTP status; 0 when no response arrived. Absent for a failure an earlier run recorded. */
  readonly status?: number;
  /** Requests made, when the connector retried. */
  readonly attempts?: number;
  /** A resumed run sends it again (a transient failure, such as 429 or a refused connection). */
  readonly retryable: boolean;
  /** Recorded by an earlier run and not retryable, so not sent again by this one. */
  readonly earlier: boolean;
}

/** A message that may or may not have reached the provider; never sent again automatically. */
export interface BulkAmbiguous {
  readonly id: string;
  readonly to: string;
  /** Why it is ambiguous, for people. */
  readonly reason: string;
  readonly code?: ResultCode | (string & {});
  /** Left ambiguous by an earlier run. */
  readonly earlier: boolean;
}

/** What a bulk send did. */
export interface BulkSummary {
  /** Sent by this run. */
  sent: number;
  /** Sent by an earlier run, so skipped. */
  skipped: number;
  failed: BulkFailure[];
  ambiguous: BulkAmbiguous[];
  badRows: BadRow[];
  /** What loading the journal noticed (a cut-off last line, a damaged record), for people. */
  warnings: string[];
  /** The signal stopped the run before every item was read; the rest can be sent with a resumed run. */
  interrupted: boolean;
  /** The journal's campaign: `%message_id%` of message `id` was `<campaign>-<id>`. */
  campaign?: string;
}
