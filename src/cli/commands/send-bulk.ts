/**
 * `switchboard send --to-file <csv|->`: one message per CSV row, journaled so that `--resume`
 * after a crash sends what was not sent, and nothing twice.
 */
import { statSync } from 'node:fs';
import { SwitchboardError } from '../../errors.js';
import type { BulkSummary } from '../../bulk/items.js';
import { createJsonlJournal } from '../../bulk/jsonl-journal.js';
import { JournalError } from '../../bulk/journal.js';
import { readRecipients, type RecipientSource } from '../../bulk/recipients.js';
import { sendMany } from '../../bulk/send-many.js';
import { EXIT, list, positive, str, type Parsed } from '../command.js';
import { progressView } from '../bulk-progress.js';
import { allSent, summaryText, type BulkContext } from '../bulk-summary.js';
import { type Io, paint, printJson } from '../io.js';
import { messageBody, openSender, optOutsOption, stdin } from '../open.js';

/** Options of the bulk send, for parseArgs. */
export const BULK_OPTIONS = {
  'to-file': { type: 'string' },
  journal: { type: 'string' },
  resume: { type: 'boolean' },
  fsync: { type: 'boolean' },
  concurrency: { type: 'string' },
} as const;

/** Help lines of the bulk options. */
export const BULK_HELP = [
  '--to-file <csv|->     send to every row of a CSV (- for stdin): a header, the number in column',
  '                      to, number or phone (else the first), %csv[column]% in --body for values',
  '--journal <file>      record of the send (default <csv>.journal.jsonl; required for stdin)',
  '--resume              continue the send the journal records: skip what was sent, never resend',
  '                      what may have arrived (listed as ambiguous)',
  '--fsync               flush the journal to disk after every record (survives power loss; slower)',
  "--concurrency <n>     requests in flight at once (default 8); the provider's rate limits still hold",
] as const;

/** Runs the bulk send; returns the exit code. */
export async function sendBulk(args: Parsed, io: Io, source: string): Promise<number> {
  if (list(args, 'to').length > 0) throw new SwitchboardError('USAGE', 'give either --to or --to-file, not both');
  const body = messageBody(args);
  const journalFile = journalPath(args, source);
  checkJournal(journalFile, args.values.resume === true);
  const input: RecipientSource = source === '-' ? stdin(io) : source;
  const context: BulkContext =
    source === '-' ? { journal: journalFile } : { journal: journalFile, total: await countRows(source, body) };
  const concurrency = positive(args, 'concurrency') ?? 8;
  const connector = await openSender(args, { ...(await optOutsOption(args)), concurrency }, io);
  const progress = progressView(io, context.total);
  const controller = new AbortController();
  const interrupt = () => {
    controller.abort();
    io.err('Stopping: finishing the messages in flight (Ctrl-C again to quit at once)…');
  };
  process.once('SIGINT', interrupt);
  try {
    const journal = createJsonlJournal(journalFile, { fsync: args.values.fsync === true });
    const summary = await sendMany(connector, readRecipients(input, { body }), {
      journal,
      concurrency,
      uniqueIds: true,
      onProgress: progress.update,
      signal: controller.signal,
    });
    progress.stop();
    report(io, args, summary, context);
    return allSent(summary) ? EXIT.ok : EXIT.sendFailed;
  } catch (error) {
    progress.stop();
    if (!(error instanceof JournalError) || error.summary === undefined) throw error;
    report(io, args, error.summary, context, error);
    return EXIT.sendFailed;
  } finally {
    process.removeListener('SIGINT', interrupt);
    await connector.close();
  }
}

function report(io: Io, args: Parsed, unsorted: BulkSummary, context: BulkContext, stopped?: JournalError): void {
  const summary = byLine(unsorted);
  if (args.values.json) {
    printJson(io, {
      journal: context.journal,
      ...(context.total === undefined ? {} : { total: context.total }),
      ...summary,
      ...(stopped === undefined ? {} : { stopped: { code: stopped.code, error: stopped.message } }),
    });
  } else {
    io.out(summaryText(io, summary, context, stopped !== undefined));
  }
  if (stopped !== undefined) {
    const advice =
      stopped.code === 'JOURNAL_FAILED'
        ? ' Fix that (free some space), then run the same command again with --resume; messages that were in flight are then listed as ambiguous.'
        : '';
    io.err(
      `${paint(io, 'red', 'Error:')} ${stopped.message}. The send stopped: no message was sent after that.${advice}`,
    );
  }
}

/** The lists in line order (they come in the order requests finished). */
function byLine(summary: BulkSummary): BulkSummary {
  const order = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id);
  return {
    ...summary,
    failed: [...summary.failed].sort(order),
    ambiguous: [...summary.ambiguous].sort(order),
    badRows: [...summary.badRows].sort(order),
  };
}

function journalPath(args: Parsed, source: string): string {
  const given = str(args, 'journal');
  if (given !== undefined) return given;
  if (source === '-')
    throw new SwitchboardError(
      'USAGE',
      'reading recipients from standard input needs a journal: give --journal <file>',
    );
  return `${source}.journal.jsonl`;
}

/** A new send needs an empty journal; a resumed one an existing journal. */
function checkJournal(file: string, resume: boolean): void {
  let size: number | undefined;
  try {
    size = statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new SwitchboardError('USAGE', `cannot use the journal ${file}: ${(error as Error).message}`);
  }
  if (resume && size === undefined)
    throw new SwitchboardError(
      'USAGE',
      `nothing to resume: there is no journal ${file} (check --journal, or leave out --resume to start a new send)`,
    );
  if (!resume && size !== undefined && size > 0) {
    throw new SwitchboardError(
      'USAGE',
      `the journal ${file} already records a send: use --resume to continue it, or another --journal to start a new one`,
    );
  }
}

/** Rows in the file (messages and bad rows): the total for progress. Checks the header and the text's columns first. */
async function countRows(file: string, body: string): Promise<number> {
  let rows = 0;
  try {
    for await (const _ of readRecipients(file, { body })) rows += 1;
  } catch (error) {
    if (error instanceof SwitchboardError) throw error;
    throw new SwitchboardError('USAGE', `cannot read the recipients file ${file}: ${(error as Error).message}`);
  }
  return rows;
}
