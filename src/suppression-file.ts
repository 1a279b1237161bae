/**
 * Opt-outs kept in a CSV file, for senders without the gateway (`switchboard send`, bulk sends,
 * queue workers, a script): the file `switchboard gateway optouts export` writes, with the header
 * `own_number,peer,source,at` (columns in any order; `source` and `at` optional). It is read once,
 * at load; an opt-out a provider reports (a code its file declares `optedOut`) is appended to it
 * and flushed to disk (fsync) before the send's result is returned, so the next run refuses that
 * recipient too. Rows are keyed as the gateway keys them: our number in E.164, theirs read in the
 * country of ours.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { csvCell, readCsvRows } from './bulk/csv-rows.js';
import { ConfigError, NotFoundError, SwitchboardError, type ConfigIssue } from './errors.js';
import { countryOf, suppressionKey, type SuppressionStore } from './suppression.js';

/** The columns the gateway's export writes, in its order: the header of a file this store starts. */
export const OPT_OUT_COLUMNS = ['own_number', 'peer', 'source', 'at'] as const;
type Column = (typeof OPT_OUT_COLUMNS)[number];

/** A {@link SuppressionStore} backed by a CSV file; see {@link loadSuppressionFile}. */
export interface FileSuppression extends SuppressionStore {
  /** The file, as given. */
  readonly file: string;
  /** Opt-outs held: read from the file, and learnt since. */
  readonly size: number;
}

/**
 * Reads the opt-out file `file` and returns a store over it. The file must exist (a mistyped path
 * must not mean "nobody opted out"); an empty file is an empty list, and gets the header with its
 * first opt-out. Throws `CONFIG_NOT_FOUND` for a missing file and a {@link ConfigError} naming every
 * bad line (a row without `own_number` or `peer`, a quote never closed, a header without them).
 * @example
 * const suppression = await loadSuppressionFile('optouts.csv'); // from switchboard gateway optouts export
 * const sb = createConnector({ provider, account, suppression });
 */
export async function loadSuppressionFile(file: string): Promise<FileSuppression> {
  const { keys, header, endsInNewline } = await readFile(file);
  const append = appender(file, header, endsInNewline);
  return {
    file,
    get size() {
      return keys.size;
    },
    isOptedOut: (sender, recipient) => keys.has(pairKey(sender, recipient)),
    optOut(sender, recipient, source) {
      const key = pairKey(sender, recipient);
      if (keys.has(key)) return;
      // Held at once, so messages to them in flight meanwhile are refused too, even if the write fails.
      keys.add(key);
      return append({ own_number: sender, peer: recipient, source, at: new Date().toISOString() });
    },
  };
}

const pairKey = (sender: string, recipient: string) => `${sender}\n${recipient}`;

/**
 * Our number and theirs as the gateway keys them ({@link optOutPair}), with ours parsed once each:
 * a file holds few numbers of ours and many of theirs.
 */
function rowKeys(): (own: string, peer: string) => string {
  const ours = new Map<string, { key: string; country: ReturnType<typeof countryOf> }>();
  return (own, peer) => {
    let sender = ours.get(own);
    if (sender === undefined) {
      const key = suppressionKey(own, undefined);
      sender = { key, country: countryOf(key) };
      ours.set(own, sender);
    }
    return pairKey(sender.key, suppressionKey(peer, sender.country));
  };
}

interface Read {
  readonly keys: Set<string>;
  /** The header's columns, or undefined for an empty file. */
  readonly header: readonly string[] | undefined;
  readonly endsInNewline: boolean;
}

async function readFile(file: string): Promise<Read> {
  const cannotRead = (error: unknown) =>
    new SwitchboardError('USAGE', `cannot read the opt-out file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  let size: number;
  try {
    const stats = await stat(file);
    if (!stats.isFile()) throw new Error('it is not a file');
    size = stats.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(
        `the opt-out file ${file} does not exist: check the path, or start an empty one (touch ${file}); switchboard gateway optouts export writes one`,
      );
    throw cannotRead(error);
  }
  try {
    return await readRows(file, size);
  } catch (error) {
    throw error instanceof SwitchboardError ? error : cannotRead(error);
  }
}

async function readRows(file: string, size: number): Promise<Read> {
  const keys = new Set<string>();
  const rowKey = rowKeys();
  const issues: ConfigIssue[] = [];
  const issue = (line: number, message: string) =>
    issues.push({ file, pointer: '', line, message, code: 'OPT_OUT_FILE' });
  let header: string[] | undefined;
  let columns: { own: number; peer: number } | undefined;
  for await (const row of readCsvRows(createReadStream(file))) {
    if ('error' in row) {
      issue(row.line, row.error);
      continue;
    }
    if (header === undefined) {
      header = row.cells.map((c) => c.trim().toLowerCase());
      columns = { own: header.indexOf('own_number'), peer: header.indexOf('peer') };
      if (columns.own < 0 || columns.peer < 0)
        issue(
          row.line,
          `the header must name the columns own_number and peer (as gateway optouts export writes), not "${row.cells.join(',')}"`,
        );
      continue;
    }
    if (columns === undefined || columns.own < 0 || columns.peer < 0) break; // reported at the header
    const own = row.cells[columns.own]?.trim() ?? '';
    const peer = row.cells[columns.peer]?.trim() ?? '';
    // Two processes that both found the file empty each wrote the header; the second copy is no opt-out.
    if (own.toLowerCase() === 'own_number' && peer.toLowerCase() === 'peer') continue;
    // An empty own_number is a sender without a number (an account without `from`), as this store writes it.
    if (peer === '') issue(row.line, 'the row has no peer (their number)');
    else keys.add(rowKey(own, peer));
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { keys, header, endsInNewline: size === 0 || (await lastByte(file, size)) === 0x0a };
}

async function lastByte(file: string, size: number): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0];
  } finally {
    await handle.close();
  }
}

/**
 * Appends rows, in the file's own column order, each write flushed to disk before it resolves.
 * Opt-outs learnt while a write is under way share the next write (one fsync for all of them).
 */
function appender(file: string, header: readonly string[] | undefined, endsInNewline: boolean) {
  let columns = header;
  let needsBreak = !endsInNewline;
  let next: { rows: string[]; written: Promise<void> } | undefined;
  let tail: Promise<void> = Promise.resolve();
  const write = async (rows: readonly string[]) => {
    const start = columns === undefined ? `${OPT_OUT_COLUMNS.join(',')}\n` : needsBreak ? '\n' : '';
    const handle = await open(file, 'a');
    try {
      await handle.writeFile(start + rows.join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    columns ??= OPT_OUT_COLUMNS;
    needsBreak = false;
  };
  return (values: Record<Column, string>): Promise<void> => {
    const row = `${(columns ?? OPT_OUT_COLUMNS).map((c) => csvCell(values[c as Column] ?? '')).join(',')}\n`;
    if (next !== undefined) {
      next.rows.push(row);
      return next.written;
    }
    const batch: { rows: string[]; written: Promise<void> } = { rows: [row], written: Promise.resolve() };
    batch.written = tail.then(() => {
      next = undefined;
      return write(batch.rows).catch((error: unknown) => {
        throw new SwitchboardError(
          'SUPPRESSION_FAILED',
          `could not record ${batch.rows.length === 1 ? 'an opt-out' : `${batch.rows.length} opt-outs`} in ${file}: ${(error as Error).message}`,
          { cause: error },
        );
      });
    });
    next = batch;
    tail = batch.written.catch(() => undefined);
    return batch.written;
  };
}
