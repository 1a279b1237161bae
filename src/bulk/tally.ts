/** The running counts of a bulk send, and its summary. Keeps counts for what went well, details only for what did not. */
import type { JournalEntry, JournalOutcome, JournalState } from './journal.js';
import type { BadRow, BulkMessage, BulkProgress, BulkSummary } from './items.js';

/** Counts and lists for one run of {@link sendMany}. */
export function createTally(state: Pick<JournalState, 'warnings' | 'campaign'>) {
  const summary: BulkSummary = {
    sent: 0,
    skipped: 0,
    failed: [],
    ambiguous: [],
    badRows: [],
    warnings: [...state.warnings],
    interrupted: false,
  };
  if (state.campaign !== undefined) summary.campaign = state.campaign;
  let done = 0;
  return {
    summary,
    progress(inFlight: number): BulkProgress {
      const { sent, skipped, failed, ambiguous, badRows } = summary;
      return {
        done,
        sent,
        failed: failed.length,
        ambiguous: ambiguous.length,
        skipped,
        badRows: badRows.length,
        inFlight,
      };
    },
    badRow(row: BadRow): void {
      done += 1;
      summary.badRows.push(row);
    },
    /** A message this run sent, with what became of it. */
    outcome(message: BulkMessage, outcome: JournalOutcome): void {
      done += 1;
      const { id, to } = message;
      const code = outcome.code === undefined ? {} : { code: outcome.code };
      if (outcome.event === 'sent') summary.sent += 1;
      else if (outcome.event === 'ambiguous')
        summary.ambiguous.push({ id, to, reason: outcome.error ?? 'no answer', ...code, earlier: false });
      else
        summary.failed.push({
          id,
          to,
          ...code,
          ...(outcome.error === undefined ? {} : { error: outcome.error }),
          status: outcome.status,
          ...(outcome.attempts === undefined ? {} : { attempts: outcome.attempts }),
          retryable: outcome.retryable,
          earlier: false,
        });
    },
    /** A message an earlier run settled: sent (skipped), failed for good, or left ambiguous. */
    earlier(message: BulkMessage, entry: JournalEntry, action: 'skip' | 'failed' | 'ambiguous'): void {
      done += 1;
      const { id, to } = message;
      const code = entry.code === undefined ? {} : { code: entry.code };
      if (action === 'skip') summary.skipped += 1;
      else if (action === 'failed')
        summary.failed.push({
          id,
          to,
          ...code,
          ...(entry.error === undefined ? {} : { error: entry.error }),
          retryable: false,
          earlier: true,
        });
      else summary.ambiguous.push({ id, to, reason: earlierReason(entry), ...code, earlier: true });
    },
  };
}

function earlierReason(entry: JournalEntry): string {
  if (entry.event === 'intent') return 'no outcome recorded: the run stopped while it was being sent';
  if (entry.event === 'unreadable')
    return `its journal record${entry.line === undefined ? '' : ` (line ${entry.line})`} is damaged`;
  return entry.error ?? entry.code ?? 'no answer';
}
