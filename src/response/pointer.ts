/** JSON Pointer (RFC 6901) look-ups over parsed JSON or XML bodies. */

/**
 * The value at `pointer` in `document`, or undefined. An XML element that also has attributes is
 * an object; a pointer that ends on one yields its text (`#text`).
 * @example getPointer({ messages: [{ id: 'a' }] }, '/messages/0/id') // 'a'
 */
export function getPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) node = /^(0|[1-9][0-9]*)$/.test(token) ? node[Number(token)] : undefined;
    else if (node !== null && typeof node === 'object')
      node = Object.hasOwn(node, token) ? (node as Record<string, unknown>)[token] : undefined;
    else return undefined;
  }
  return node;
}

/** The text of a found value: strings and numbers as text, an XML element by its text, else undefined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const text = (value as Record<string, unknown>)['#text'];
    return typeof text === 'string' ? text : undefined;
  }
  return undefined;
}

/** The first value of a property named `name` at any depth, depth-first in document order. */
export function findDeep(document: unknown, name: string): unknown {
  if (document === null || typeof document !== 'object') return undefined;
  if (!Array.isArray(document) && Object.hasOwn(document, name)) return (document as Record<string, unknown>)[name];
  for (const child of Object.values(document)) {
    const found = findDeep(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
