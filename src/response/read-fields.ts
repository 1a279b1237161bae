/**
 * Reads named values from a body by pointers, for services that return data. The Acrobits
 * formats are the defaults: JSON fields at the top level, or the legacy XML
 * `<response><error>0</error><balanceString>…</balanceString></response>`.
 */
import { getPointer, textOf } from './pointer.js';

/** Pointers per name; each name's list is tried in order. */
export type FieldMap = Readonly<Record<string, string | readonly string[]>>;

/** Acrobits' own field names, in JSON and in the legacy XML `<response>`. */
export function acrobitsFields(
  names: readonly string[],
  legacy: Readonly<Record<string, string>> = {},
): Record<string, string[]> {
  return Object.fromEntries(
    names.map((n) => [
      n,
      [`/${n}`, `/response/${n}`, ...(legacy[n] ? [`/response/${legacy[n]}`, `/${legacy[n]}`] : [])],
    ]),
  );
}

/** The values found, by name; names with no value are left out. */
export function readFields(document: unknown, fields: FieldMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, pointers] of Object.entries(fields)) {
    for (const pointer of typeof pointers === 'string' ? [pointers] : pointers) {
      const text = textOf(getPointer(document, pointer));
      if (text !== undefined && text.trim() !== '') {
        out[name] = text.trim();
        break;
      }
    }
  }
  return out;
}

/** The legacy XML answers carry `<error>`: anything but 0 (or absent) is a failure. */
export function legacyError(document: unknown): string | undefined {
  const code = textOf(getPointer(document, '/response/error'));
  if (code === undefined || code.trim() === '' || code.trim() === '0') return undefined;
  const description =
    textOf(getPointer(document, '/response/description')) ?? textOf(getPointer(document, '/response/message'));
  return description ? `${description} (error ${code.trim()})` : `the service answered error ${code.trim()}`;
}
