/** JSON Pointer (RFC 6901) look-ups over parsed JSON or XML bodies. */

/**
 * The value at `pointer` in `document`, or undefined. An XML element that also has attributes is
 * an object; a pointer that ends on one yields its text (`#text`).
 * @example getPointer({ messages: [{ id: 'a' }] }, '/messages/0/id') // 'a'
 */
export function getPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node = document;
  for (const { key, index } of tokensOf(pointer)) {
    if (Array.isArray(node)) node = index === undefined ? undefined : node[index];
    else if (node !== null && typeof node === 'object')
      node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    else return undefined;
  }
  return node;
}

/** One reference token: the key it names, and the array index it names when it is one. */
interface Token {
  readonly key: string;
  readonly index: number | undefined;
}

// Pointers come from provider files, a few per service, and are read for every response: each is
// split once. Bounded all the same, for callers that build pointers.
const TOKENS = new Map<string, readonly Token[]>();
const TOKENS_LIMIT = 1024;

function tokensOf(pointer: string): readonly Token[] {
  let tokens = TOKENS.get(pointer);
  if (tokens !== undefined) return tokens;
  tokens = pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
      return { key, index: /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : undefined };
    });
  if (TOKENS.size >= TOKENS_LIMIT) TOKENS.clear();
  TOKENS.set(pointer, tokens);
  return tokens;
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
