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

/** Parses JSON text; on a syntax error returns the issue with its line. */
export function parseJson(text: string, file: string): { value: unknown } | { issue: ConfigIssue } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const offset = position === undefined ? text.length : Number(position);
    const line = text.slice(0, offset).split('\n').length;
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the file ends before the JSON is complete');
    return { issue: { file, pointer: '', line, message: `not valid JSON: ${reason}`, code: 'SYNTAX' } };
  }
}
