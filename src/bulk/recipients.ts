/**
 * Recipients from CSV: a header line, then one row per recipient. The number is in the column
 * named `to`, `number` or `phone` (any case; the first such), else in the first column. The other
 * columns are values for the message: `%csv[name]%` in the text stands for the row's value in the
 * column `name`, exactly as written (quotes, commas and line breaks inside a quoted value kept).
 */
import { createReadStream } from 'node:fs';
import { SwitchboardError } from '../errors.js';
import { compileCsvBody, type CsvBody } from './csv-body.js';
import { readCsvRows } from './csv-rows.js';
import type { BulkItem } from './items.js';

/** A CSV file's path, or its bytes as a stream (such as `process.stdin`). */
export type RecipientSource = string | AsyncIterable<Buffer | string>;

/** Options of {@link readRecipients}. */
export interface ReadRecipientsOptions {
  /** The message text; `%csv[column]%` stands for the row's value in that column. Other `%` are text. */
  body: string;
}

const NUMBER_COLUMNS = ['to', 'number', 'phone'];

/**
 * The messages of a CSV, one per row, streamed. Each message's id is the line its row starts on
 * (`"2"` for the first row after the header): the same on every run over the same file, so a
 * resumed send knows it. A row with no number, with more values than the header has columns
 * (other than empty ones), or without a value the text uses comes out as a bad row with its line,
 * and the rest are still read. Blank rows are skipped. Throws a `USAGE` error before the first
 * row when the input is empty, its first line is not a header, or the text uses a column the
 * header lacks; reading a file that cannot be opened rejects with the file system's error.
 * @example
 * for await (const item of readRecipients('customers.csv', { body: 'Hi %csv[name]%, your code is %csv[code]%' })) …
 */
export async function* readRecipients(
  source: RecipientSource,
  options: ReadRecipientsOptions,
): AsyncGenerator<BulkItem> {
  let table: { header: readonly string[]; numberAt: number; body: CsvBody } | undefined;
  for await (const row of readCsvRows(typeof source === 'string' ? createReadStream(source) : source)) {
    const id = String(row.line);
    if ('error' in row) {
      if (table === undefined)
        throw new SwitchboardError(
          'USAGE',
          `the header of the recipients CSV (line ${row.line}) cannot be read: ${row.error}`,
        );
      yield { id, line: row.line, error: row.error };
      continue;
    }
    if (row.cells.every((cell) => cell.trim() === '')) continue;
    if (table === undefined) {
      table = readHeader(row.cells, options.body);
      continue;
    }
    const problem = rowProblem(row.cells, table.header, table.numberAt);
    if (problem !== undefined) {
      yield { id, line: row.line, error: problem };
      continue;
    }
    const body = table.body(row.cells);
    if ('missing' in body)
      yield {
        id,
        line: row.line,
        error: `no value for %csv[${body.missing}]% (the row has ${row.cells.length} of ${table.header.length} values)`,
      };
    else yield { id, to: (row.cells[table.numberAt] as string).trim(), body: body.text };
  }
  if (table === undefined)
    throw new SwitchboardError(
      'USAGE',
      'the recipients CSV is empty: it needs a header line (such as "to,name") and a row per recipient',
    );
}

function readHeader(cells: readonly string[], body: string) {
  const header = cells.map((cell) => cell.trim());
  const named = header.findIndex((name) => NUMBER_COLUMNS.includes(name.toLowerCase()));
  const numberAt = named === -1 ? 0 : named;
  if (/^\+?[\d\s().-]{5,}$/.test(header[numberAt] ?? '')) {
    throw new SwitchboardError(
      'USAGE',
      `the first line of the recipients CSV must be a header (such as "to,name"), but it starts with the number ${header[numberAt]}: add a header line`,
    );
  }
  return { header, numberAt, body: compileCsvBody(body, header) };
}

function rowProblem(cells: readonly string[], header: readonly string[], numberAt: number): string | undefined {
  if (cells.length > header.length && cells.slice(header.length).some((cell) => cell.trim() !== '')) {
    return `${cells.length} values, but the header has ${header.length} columns (a value containing a comma must be in double quotes)`;
  }
  if ((cells[numberAt] ?? '').trim() === '') return `no number in column "${header[numberAt]}"`;
  return undefined;
}
