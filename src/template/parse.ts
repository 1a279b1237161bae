/**
 * Parses a template once into literal and placeholder parts (DESIGN §2).
 *
 * A placeholder is `%name%`, `%account[KEY]%` or `%fn(argument)%`, where the argument is itself a
 * template. A `%` that does not open such a token is literal text, and so is percent-encoding
 * (`%2B`, `%E2%82%AC`): a two-hex-digit "name" is never a placeholder. `%other[KEY]%` has the
 * shape of a placeholder and is read as one whose name (`other[KEY]`) nothing declares.
 */

/** What a placeholder refers to. */
export type Ref =
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'account'; readonly key: string }
  | { readonly kind: 'call'; readonly fn: string; readonly arg: readonly Part[] };

/** One piece of a parsed template. */
export type Part =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly ref: Ref; readonly source: string };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const HEX2 = /^[0-9A-Fa-f]{2}$/;

/**
 * Parses `text` into parts. Never throws: malformed tokens are literal text.
 * @example parseTemplate('to=%sms_to%&pw=%sha1(%account[password]%)%')
 */
export function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const token = text[i] === '%' ? readPlaceholder(text, i) : undefined;
    if (token === undefined) {
      literal += text[i];
      i += 1;
      continue;
    }
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
    parts.push({ kind: 'placeholder', ref: token.ref, source: text.slice(i, token.end) });
    i = token.end;
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

interface Token {
  ref: Ref;
  end: number;
}

/** Reads a placeholder starting at the `%` at `start`, or returns undefined if there is none. */
function readPlaceholder(text: string, start: number): Token | undefined {
  NAME.lastIndex = start + 1;
  const name = NAME.exec(text)?.[0];
  if (name === undefined || HEX2.test(name)) return undefined;
  const i = start + 1 + name.length;
  const next = text[i];
  if (next === '%') return { ref: { kind: 'param', name }, end: i + 1 };
  if (next === '[') {
    const close = text.indexOf(']', i);
    if (close < 0 || text[close + 1] !== '%') return undefined;
    const key = text.slice(i + 1, close);
    if (key === '' || key.includes('%')) return undefined;
    // `%acount[from]%` is placeholder-shaped (DESIGN §2): read as a name nothing declares, so
    // loading refuses it with the closest known name instead of sending it as text.
    if (name !== 'account') return { ref: { kind: 'param', name: `${name}[${key}]` }, end: close + 2 };
    return { ref: { kind: 'account', key }, end: close + 2 };
  }
  if (next === '(') {
    const close = findCallEnd(text, i + 1);
    if (close === undefined) return undefined;
    return { ref: { kind: 'call', fn: name, arg: parseTemplate(text.slice(i + 1, close)) }, end: close + 2 };
  }
  return undefined;
}

/** Finds the `)` that closes a call opened before `from` and is followed by `%`, skipping nested placeholders. */
function findCallEnd(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length) {
    if (text[i] === ')' && text[i + 1] === '%') return i;
    if (text[i] === '%') {
      const inner = readPlaceholder(text, i);
      if (inner !== undefined) {
        i = inner.end;
        continue;
      }
    }
    i += 1;
  }
  return undefined;
}

/** Every placeholder in `parts`, including those nested in function arguments. */
export function* placeholders(parts: readonly Part[]): Generator<Ref> {
  for (const part of parts) {
    if (part.kind !== 'placeholder') continue;
    yield part.ref;
    if (part.ref.kind === 'call') yield* placeholders(part.ref.arg);
  }
}
