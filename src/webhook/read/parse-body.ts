/**
 * Strict body parsing: a form whose escapes or UTF-8 are broken, or JSON that does not parse, is a
 * malformed request (a typed failure), never a best guess.
 */
import { isUtf8 } from 'node:buffer';
import { WebhookFailure } from '../failure.js';
import type { Pair } from '../pair.js';

/** The body as UTF-8 text; invalid UTF-8 is malformed. */
export function utf8(bytes: Buffer, what: string): string {
  if (!isUtf8(bytes)) throw new WebhookFailure('WEBHOOK_MALFORMED', `the ${what} is not valid UTF-8`);
  return bytes.toString('utf8');
}

/** application/x-www-form-urlencoded pairs, in order: `+` is a space, `%XX` a byte of UTF-8. */
export function parseForm(bytes: Buffer, what: string): Pair[] {
  return parseFormText(utf8(bytes, what), what);
}

/** Form pairs of text already known to be well-formed (decoded from valid UTF-8, or a well-formed string). */
export function parseFormText(text: string, what: string): Pair[] {
  if (text === '') return [];
  const pairs: Pair[] = [];
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? '' : piece.slice(eq + 1);
    pairs.push([decode(name, what), decode(value, what)]);
  }
  return pairs;
}

function decode(text: string, what: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new WebhookFailure('WEBHOOK_MALFORMED', `the ${what} has a broken percent-escape or invalid UTF-8`);
  }
}

/** A JSON body; one that does not parse is malformed. */
export function parseJsonBody(bytes: Buffer): unknown {
  return parseJsonText(utf8(bytes, 'body'));
}

/** JSON body text; one that does not parse is malformed. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WebhookFailure('WEBHOOK_MALFORMED', 'the body is not valid JSON');
  }
}
