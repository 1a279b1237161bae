/**
 * JSON Pointer look-ups for webhook events, with each pointer split into tokens once: a callback of
 * a hundred events reads the same few pointers hundreds of times.
 */

const compiled = new Map<string, readonly string[]>();

function tokens(pointer: string): readonly string[] {
  let list = compiled.get(pointer);
  if (list === undefined) {
    list =
      pointer === ''
        ? []
        : pointer
            .slice(1)
            .split('/')
            .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    compiled.set(pointer, list);
  }
  return list;
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** The value at `pointer` (RFC 6901) in `document`, or undefined. */
export function pointerValue(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of tokens(pointer)) {
    if (Array.isArray(node)) node = INDEX.test(token) ? (node as unknown[])[Number(token)] : undefined;
    else if (node !== null && typeof node === 'object')
      node = Object.hasOwn(node, token) ? (node as Record<string, unknown>)[token] : undefined;
    else return undefined;
  }
  return node;
}

/** The text of a found value: strings as they are, numbers and booleans written out, else undefined. */
export function pointerText(document: unknown, pointer: string): string | undefined {
  const value = pointerValue(document, pointer);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
