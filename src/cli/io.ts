/**
 * Where commands write. Only the CLI entry binds this to the process; tests capture it.
 *
 * Text for people goes through {@link forPeople}: whatever a provider wrote (an error text, a
 * response body) is shown with its control characters escaped, so it can neither move the cursor,
 * clear the screen, set the window title, nor colour a fake "sent". Our own colours survive
 * because {@link paint} marks them with a per-process secret the provider cannot write. `--json`
 * output goes out through {@link printJson}, exactly.
 */
import { randomBytes } from 'node:crypto';
import { styleText } from 'node:util';

/** Output streams of a command run. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether output goes to a terminal (colour, progress). */
  readonly tty: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, for commands that read data from `-`. */
  readonly stdin?: AsyncIterable<Buffer | string>;
  /** Standard error when it is a terminal: where a live progress bar is drawn. */
  readonly errTerminal?: NodeJS.WriteStream;
}

type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'cyan';

/** The unescaped writer of an Io made by forPeople, for machine-readable output. */
const EXACT = Symbol('exact output');
type PeopleIo = Io & { readonly [EXACT]: (text: string) => void };

/** Marks our own styles in text until it is written; unguessable, so provider text cannot forge one. */
const NONCE = randomBytes(12).toString('hex');
const STYLE_MARK = new RegExp(`\u{E000}${NONCE}([oc])(\\w+)\u{E001}`, 'gu');

/**
 * C0 controls but newline and tab, DEL, C1 controls, and the bidirectional overrides and
 * isolates (which reorder what a line seems to say).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character shown as an escape (`\x1b`, `\u{202e}`); newlines and tabs kept. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** `io` for people: what is written shows control characters escaped, then our own colours applied. */
export function forPeople(io: Io): Io {
  if (EXACT in io) return io;
  const shown = (text: string) => escapeControls(text).replace(STYLE_MARK, restyle);
  // The rest (tty, env, a standard input opened only when read) is inherited, not copied.
  const people: PeopleIo = Object.assign(Object.create(io) as Io, {
    out: (text: string) => io.out(shown(text)),
    err: (text: string) => io.err(shown(text)),
    [EXACT]: (text: string) => io.out(text),
  });
  return people;
}

/** Writes `value` as JSON on standard output exactly: JSON escapes what a terminal would act on itself. */
export function printJson(io: Io, value: unknown): void {
  const text = JSON.stringify(value, null, 2);
  if (EXACT in io) (io as PeopleIo)[EXACT](text);
  else io.out(text);
}

/** Colours text when writing to a terminal and NO_COLOR is not set. */
export function paint(io: Io, style: Style, text: string): string {
  if (!io.tty || io.env.NO_COLOR) return text;
  if (!(EXACT in io)) return styleText(style, text);
  return `\u{E000}${NONCE}o${style}\u{E001}${text}\u{E000}${NONCE}c${style}\u{E001}`;
}

function restyle(_: string, edge: string, style: string): string {
  const [open = '', close = ''] = styleText(style as Style, '\u0000').split('\u0000');
  return edge === 'o' ? open : close;
}
