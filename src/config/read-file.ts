/** Reads configuration files, turning syntax errors into issues with a line number. */
import { readFile } from 'node:fs/promises';
import type { ConfigIssue } from '../errors.js';
import { NotFoundError } from '../errors.js';

/** Reads a file as UTF-8 text; a missing file is a NotFoundError naming it. */
export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${what} file not found: ${file}`);
    throw new NotFoundError(`cannot read ${what} file ${file}: ${(error as Error).message}`);
  }
}

/**
 * Parses JSON text; on a syntax error returns the issue with its line. The reason never quotes the
 * file (Node 20 quotes the text around an unexpected token, which may hold a secret).
 */
export function parseJson(text: string, file: string): { value: unknown } | { issue: ConfigIssue } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const offset = position === undefined ? errorOffset(text) : Number(position);
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, .*is not valid JSON$/s, '')
      .replace(/^Unexpected end of JSON input$/, 'the file ends before the JSON is complete');
    const line = offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
    return {
      issue: {
        file,
        pointer: '',
        ...(line === undefined ? {} : { line }),
        message: `not valid JSON: ${reason}`,
        code: 'SYNTAX',
      },
    };
  }
}

/**
 * Where the first syntax error is, for messages that do not say: the shortest start of the text
 * that already fails for a reason other than ending too soon (a binary search; errors only).
 */
function errorOffset(text: string): number | undefined {
  const failsWithin = (end: number): boolean => {
    const prefix = text.slice(0, end);
    try {
      JSON.parse(prefix);
      return false;
    } catch (error) {
      const message = (error as Error).message;
      if (/end of JSON input|Unterminated string/.test(message)) return false;
      const at = /position (\d+)/.exec(message)?.[1];
      return at === undefined || Number(at) < prefix.length;
    }
  };
  let lo = 1;
  let hi = text.length;
  if (!failsWithin(hi)) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsWithin(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}
