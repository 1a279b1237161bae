/** The end of a bulk send, for people: counts, then what failed, what is ambiguous and what to do. */
import type { BulkSummary } from '../bulk/items.js';
import { oneLine } from './format.js';
import { paint, type Io } from './io.js';

/** How many of each list are shown; the rest are in `--json` and the journal. */
const SHOWN = 50;

/** Where the send read and wrote, for the summary. */
export interface BulkContext {
  readonly journal: string;
  /** Rows in the input, when known (not for stdin). */
  readonly total?: number;
}

/** Whether everything was sent (now or by an earlier run). */
export function allSent(summary: BulkSummary): boolean {
  return (
    summary.failed.length === 0 &&
    summary.ambiguous.length === 0 &&
    summary.badRows.length === 0 &&
    !summary.interrupted
  );
}

/** The summary as lines of text. `stopped`: the run stopped early (the journal could not be written). */
export function summaryText(io: Io, s: BulkSummary, context: BulkContext, stopped = false): string {
  const counts = [
    `${s.sent} sent`,
    `${s.skipped} already sent earlier`,
    `${s.failed.length} failed`,
    `${s.ambiguous.length} ambiguous`,
    `${s.badRows.length} bad rows`,
  ];
  const mark = allSent(s) && !stopped ? paint(io, 'green', '✓') : paint(io, 'red', '✗');
  const out = [`${mark} ${counts.join(', ')} (journal ${context.journal})`];
  for (const warning of s.warnings) out.push(`${paint(io, 'yellow', 'Warning:')} ${warning}`);
  if (s.failed.length > 0) {
    out.push('', `Failed, not delivered (${s.failed.length}):`);
    out.push(
      ...listed(
        s.failed,
        (f) =>
          `  line ${f.id}  ${f.to}: ${oneLine(f.error ?? 'failed')} (${[f.code, f.status ? `HTTP ${f.status}` : undefined, f.earlier ? 'recorded by an earlier run' : f.retryable ? 'retryable: --resume sends it again' : undefined].filter(Boolean).join(', ')})`,
      ),
    );
  }
  if (s.ambiguous.length > 0) {
    out.push('', `Ambiguous, may have reached the provider (${s.ambiguous.length}); never sent again automatically:`);
    out.push(
      ...listed(
        s.ambiguous,
        (a) =>
          `  line ${a.id}  ${a.to}: ${oneLine(a.reason)}${s.campaign === undefined ? '' : ` (message id ${s.campaign}-${a.id})`}`,
      ),
    );
    out.push(AMBIGUOUS_ADVICE);
  }
  if (s.badRows.length > 0) {
    out.push('', `Bad rows, not sent (${s.badRows.length}):`);
    out.push(...listed(s.badRows, (b) => `  line ${b.line ?? b.id}: ${oneLine(b.error)}`));
  }
  const next = nextSteps(s, context, stopped);
  if (next.length > 0) out.push('', ...next);
  return out.join('\n');
}

/** What to do about ambiguous messages, for people. */
export const AMBIGUOUS_ADVICE =
  '  Check with the provider (its message log, by number or message id) whether each arrived, and send the ones that did not with switchboard send --to <number>.';

/** The first items of a list as lines, and how many more there are. */
export function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const shown = items.slice(0, SHOWN).map(line);
  return items.length > SHOWN ? [...shown, `  … and ${items.length - SHOWN} more (all of them in --json)`] : shown;
}

function nextSteps(s: BulkSummary, context: BulkContext, stopped: boolean): string[] {
  const steps: string[] = [];
  const reached = s.sent + s.skipped + s.failed.length + s.ambiguous.length + s.badRows.length;
  if (s.interrupted || stopped) {
    const left =
      context.total === undefined ? 'the rest' : `the ${Math.max(context.total - reached, 0)} messages not reached`;
    steps.push(`Stopped before the end: run the same command again with --resume to send ${left}.`);
  }
  const retryable = s.failed.filter((f) => f.retryable).length;
  if (retryable > 0 && !s.interrupted && !stopped)
    steps.push(
      `${retryable} failed with a transient error: run the same command again with --resume to send them again.`,
    );
  return steps;
}
