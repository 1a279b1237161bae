/**
 * The message text of a CSV send: the user's text with `%csv[column]%` standing for the row's value
 * in that column. Parsed once into literal parts and column references; every other `%` is text.
 */
import { SwitchboardError } from '../errors.js';

const REFERENCE = /%csv\[([^\]\r\n]*)\]%/g;

/** A compiled body: renders a row, or names the first referenced column the row has no value for. */
export type CsvBody = (row: readonly string[]) => { text: string } | { missing: string };

/**
 * Compiles `body` against the CSV header. Throws a `USAGE` error when it refers to a column the
 * header lacks (or names twice), since every row would be bad.
 */
export function compileCsvBody(body: string, header: readonly string[]): CsvBody {
  const parts: (string | { column: string; index: number })[] = [];
  let last = 0;
  for (const match of body.matchAll(REFERENCE)) {
    const column = match[1] as string;
    const index = header.indexOf(column);
    if (index === -1)
      throw new SwitchboardError(
        'USAGE',
        `the message uses %csv[${column}]%, but the CSV has no column "${column}" (its columns: ${header.map((h) => `"${h}"`).join(', ')})`,
      );
    if (header.indexOf(column, index + 1) !== -1)
      throw new SwitchboardError(
        'USAGE',
        `the message uses %csv[${column}]%, but the CSV has two columns named "${column}"`,
      );
    parts.push(body.slice(last, match.index), { column, index });
    last = match.index + match[0].length;
  }
  parts.push(body.slice(last));
  return (row) => {
    let text = '';
    for (const part of parts) {
      if (typeof part === 'string') text += part;
      else {
        const value = row[part.index];
        if (value === undefined) return { missing: part.column };
        text += value;
      }
    }
    return { text };
  };
}
