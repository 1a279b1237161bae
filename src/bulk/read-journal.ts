/**
 * Reads a JSONL journal into what earlier runs did, line by line, with the recovery rules that keep
 * a resumed run from sending a message twice:
 * - The last line cut off mid-record (a write interrupted by a full disk or a power loss) is
 *   ignored with a warning. It cannot hide a sent message: an intent is written completely before
 *   its request goes out, so a cut-off intent was never sent, and a cut-off outcome leaves its
 *   intent without an outcome, which holds the message as ambiguous.
 * - A damaged line inside the file that still shows its message's id makes that message
 *   `unreadable` (held as ambiguous) unless a later line records it again.
 * - A damaged line that shows no id stops the load with a `JOURNAL_CORRUPT` error naming the line:
 *   it could be the intent of any message, so no message can safely be called unsent.
 * - A line holding several records (a newline lost) is read as each of them: the second may be an
 *   intent, and reading only the first would leave that message unsent in the journal's eyes. A
 *   damaged line holds every message it names, and stops the load when it holds more records than
 *   it shows ids.
 */
import { createReadStream } from 'node:fs';
import { JournalError, type JournalEntry, type JournalEvent, type JournalState } from './journal.js';

/** A journal's state, and how the file must be repaired before the next record is appended. */
export interface ReadJournal extends JournalState {
  /** Bytes of complete records; a cut-off last line starts here and is truncated before writing. */
  readonly validBytes: number;
  /** The file ends with a complete record but no newline (edited by hand): write one first. */
  readonly needsNewline: boolean;
}

const EVENTS: ReadonlySet<string> = new Set<JournalEvent>(['intent', 'withdrawn', 'sent', 'failed', 'ambiguous']);

type ParsedLine =
  { kind: 'start'; campaign: string } | { kind: 'message'; id: string; entry: JournalEntry } | undefined;

/** Reads `file` (which exists); rejects with {@link JournalError} `JOURNAL_CORRUPT` as described above. */
export async function readJournal(file: string): Promise<ReadJournal> {
  const entries = new Map<string, JournalEntry>();
  const warnings: string[] = [];
  let campaign: string | undefined;
  let line = 0;
  let validBytes = 0;
  let rest = Buffer.alloc(0);
  const use = (parsed: NonNullable<ParsedLine>): void => {
    if (parsed.kind === 'start') campaign ??= parsed.campaign;
    else entries.set(parsed.id, parsed.entry);
  };
  const apply = (text: string): void => {
    const parsed = parseLine(text, line);
    if (parsed !== undefined) return use(parsed);
    if (text.trim() === '') return;
    const joined = joinedRecords(text, line);
    if (joined !== undefined && joined.rest.trim() === '') {
      joined.records.forEach(use);
      warnings.push(`${file} line ${line} holds ${joined.records.length} records (a newline was lost); each is read`);
      return;
    }
    recoverDamaged(file, text, line, entries, warnings);
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
      line += 1;
      apply(data.subarray(start, nl).toString('utf8'));
      validBytes += nl + 1 - start;
      start = nl + 1;
    }
    rest = Buffer.from(data.subarray(start));
  }
  if (rest.length === 0)
    return { ...(campaign === undefined ? {} : { campaign }), entries, warnings, validBytes, needsNewline: false };
  // The last line has no newline: complete (written by hand) or cut off mid-write.
  line += 1;
  const tail = rest.toString('utf8');
  const parsed = parseLine(tail, line);
  if (parsed !== undefined) {
    apply(tail);
    return {
      ...(campaign === undefined ? {} : { campaign }),
      entries,
      warnings,
      validBytes: validBytes + rest.length,
      needsNewline: true,
    };
  }
  // Whole records before the cut (a lost newline, then the last write cut off) are kept.
  const joined = joinedRecords(tail, line);
  if (joined !== undefined && joined.records.length > 0) {
    joined.records.forEach(use);
    const kept = rest.length - Buffer.byteLength(joined.rest);
    if (joined.rest.trim() !== '')
      warnings.push(
        `${file} line ${line} ends in a record cut off mid-write, which is ignored: ${preview(joined.rest)}`,
      );
    return {
      ...(campaign === undefined ? {} : { campaign }),
      entries,
      warnings,
      validBytes: validBytes + kept,
      needsNewline: true,
    };
  }
  warnings.push(`${file} line ${line} was cut off mid-record (an interrupted write) and is ignored: ${preview(tail)}`);
  return { ...(campaign === undefined ? {} : { campaign }), entries, warnings, validBytes, needsNewline: false };
}

/** A line as a record, or undefined when it is not a valid version-1 record. */
function parseLine(text: string, line: number): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  if (r.v !== 1) return undefined;
  if (r.event === 'start') return typeof r.campaign === 'string' ? { kind: 'start', campaign: r.campaign } : undefined;
  if (typeof r.id !== 'string' || typeof r.to !== 'string' || typeof r.event !== 'string' || !EVENTS.has(r.event))
    return undefined;
  const entry: JournalEntry = {
    to: r.to,
    event: r.event as JournalEvent,
    line,
    ...(typeof r.code === 'string' ? { code: r.code } : {}),
    ...(typeof r.error === 'string' ? { error: r.error } : {}),
    ...(typeof r.retryable === 'boolean' ? { retryable: r.retryable } : {}),
  };
  return { kind: 'message', id: r.id, entry };
}

/**
 * Records written one after another on one line (a lost newline): each whole top-level object that
 * reads as a record, and the text after the last one (a record cut off, or nothing). Undefined when
 * the line is something else (text between objects, a piece that is not a record).
 */
function joinedRecords(text: string, line: number): { records: NonNullable<ParsedLine>[]; rest: string } | undefined {
  const records: NonNullable<ParsedLine>[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const record = parseLine(text.slice(start, i + 1), line);
      if (record === undefined) return undefined;
      records.push(record);
      start = i + 1;
    } else if (depth === 0 && c !== ' ' && c !== '\t' && c !== '\r') return undefined;
  }
  return { records, rest: text.slice(start) };
}

/**
 * A damaged line inside the file: hold every message it names, or stop when it names none or holds
 * more records than it shows ids (one of them could be any message's intent).
 */
function recoverDamaged(
  file: string,
  text: string,
  line: number,
  entries: Map<string, JournalEntry>,
  warnings: string[],
): void {
  const ids = stringFields(text, 'id');
  // A raw `{"v"` cannot stand inside a JSON string (its quote would be escaped): each one starts a record.
  const records = (text.match(/\{\s*"v"\s*:/g) ?? []).length;
  const starts = (text.match(/"event"\s*:\s*"start"/g) ?? []).length;
  if (ids.length === 0 || records > ids.length + starts) {
    throw new JournalError(
      'JOURNAL_CORRUPT',
      `${file} line ${line} is damaged and does not show which message${records > 1 ? 's' : ''} it recorded (${preview(text)}). ` +
        `Lines before it are intact, but resuming could send a message twice. Look at the line: if it held a message's ` +
        `intent, find out whether that message arrived; then correct or delete the line and resume.`,
      { file, line },
    );
  }
  const tos = stringFields(text, 'to');
  for (const [i, id] of ids.entries()) {
    const to = (ids.length === tos.length ? tos[i] : undefined) ?? entries.get(id)?.to ?? '';
    entries.set(id, { to, event: 'unreadable', line });
    warnings.push(
      `${file} line ${line} is damaged; it names message ${id}, which is held as ambiguous unless a later line records it`,
    );
  }
}

/** Every whole value of `"name":"…"` in a damaged line, in order. */
function stringFields(text: string, name: string): string[] {
  const values: string[] = [];
  for (const match of text.matchAll(new RegExp(`"${name}"\\s*:\\s*("(?:[^"\\\\\\u0000-\\u001f]|\\\\.)*")`, 'g'))) {
    try {
      values.push(JSON.parse(match[1] as string) as string);
    } catch {
      // not a whole string: not an id to go by
    }
  }
  return values;
}

/** The start of a line, quoted, for a message. */
function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
