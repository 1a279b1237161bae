/**
 * Reads XML into plain objects for JSON Pointers. Entity expansion is off: only the five XML
 * entities and character references are decoded; DOCTYPE entities stay as written, never expanded.
 * Elements become properties (repeated ones arrays), attributes `@name`, mixed text `#text`.
 * The reader is linear in the size of the text (see xml-reader.ts): a hostile body costs no more
 * than its length.
 */
import { readXml } from './xml-reader.js';

/** Whether `text` is well-formed XML; returns the problem with its line, or undefined. */
export function xmlProblem(text: string): { message: string; line: number } | undefined {
  const reading = readXml(text);
  return 'problem' in reading ? reading.problem : undefined;
}

/** Parses well-formed XML; throws on malformed input (check with {@link xmlProblem} first). */
export function parseXml(text: string): unknown {
  const reading = readXml(text);
  if ('problem' in reading) throw new SyntaxError(`${reading.problem.message} (line ${reading.problem.line})`);
  return reading.document;
}
