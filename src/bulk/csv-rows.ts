/**
 * CSV records with the line each starts on, streamed through csv-parse. Line numbers are counted
 * here from the bytes, not taken from csv-parse, whose count drifts after a quoted value holding a
 * CRLF; they are what an editor shows, and they are the ids of a resumable send.
 */
import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';

/** One CSV value as written: quoted (its quotes doubled) when it holds a quote, comma or line break. */
export const csvCell = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** A record and the line it starts on, or a stretch of input that could not be read as CSV. */
export type CsvRow =
  { readonly cells: readonly string[]; readonly line: number } | { readonly error: string; readonly line: number };

/**
 * Parses CSV bytes. Lenient where leniency keeps the value a person sees (a stray quote inside an
 * unquoted value is text; rows may have fewer or more values than the header), so that one bad
 * row never loses the rows after it. What remains an error is a quoted value never closed: it runs
 * to the end of the input, and is reported as a row from where it starts.
 */
export async function* readCsvRows(input: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRow> {
  const lines = lineTracker();
  const parser = parse({
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
  });
  const skipped: { error: CsvError; after: number }[] = [];
  parser.on('skip', (error: CsvError) =>
    skipped.push({ error, after: (error as CsvError & { records?: number }).records ?? 0 }),
  );
  pipeline(Readable.from(lines.scan(input)), parser, () => {});
  let records = 0;
  let lastLine = 0;
  const failed = function* (): Generator<CsvRow> {
    while (skipped[0] !== undefined && skipped[0].after <= records)
      yield { error: describe(skipped.shift()!.error), line: lastLine + 1 };
  };
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    yield* failed();
    records += 1;
    lastLine = lines.lineBefore(info.bytes);
    yield { cells: record, line: lastLine - record.reduce((n, cell) => n + breaksIn(cell), 0) };
  }
  yield* failed();
}

/** Line breaks in a value: CRLF, LF or CR each count one. */
function breaksIn(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

function describe(error: CsvError): string {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED')
    return 'a quoted value starting on this row is never closed, so the rest of the input could not be read';
  return error.message;
}

/** Notes where the line breaks are in the bytes fed to the parser; drops a UTF-8 byte order mark. */
function lineTracker() {
  const breaks: number[] = [];
  let head = 0;
  let linesBefore = 0;
  let offset = 0;
  let pendingCr = -1;
  return {
    async *scan(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
      for await (const piece of input) {
        let chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        if (offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        for (let i = 0; i < chunk.length; i++) {
          const c = chunk[i];
          if (c === 10) {
            breaks.push(offset + i);
            pendingCr = -1;
          } else {
            if (pendingCr !== -1) breaks.push(pendingCr);
            pendingCr = c === 13 ? offset + i : -1;
          }
        }
        offset += chunk.length;
        yield chunk;
      }
      if (pendingCr !== -1) breaks.push(pendingCr);
    },
    /** The line holding the last content byte before `end`, a record's end offset (after its line break). */
    lineBefore(end: number): number {
      while (head < breaks.length && (breaks[head] as number) < end - 1) {
        head += 1;
        linesBefore += 1;
      }
      if (head > 4096) {
        breaks.splice(0, head);
        head = 0;
      }
      return linesBefore + 1;
    },
  };
}
