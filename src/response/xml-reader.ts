/**
 * A hand-written XML reader that visits each character of the text a bounded number of times, so
 * a hostile body (an unclosed CDATA section repeated, 100,000 attributes, a megabyte of `<`) costs
 * time in proportion to its size and no more. It checks well-formedness as it reads (one root,
 * tags that nest and match, quoted attributes without `<`, no repeated attribute, `&` only as a
 * reference) and builds the plain-object shape the pointers read: elements become properties
 * (repeated ones arrays), attributes `@name`, text of mixed content `#text`; an element with
 * neither attributes nor child elements is its text. Entity expansion is off: the five XML
 * entities and character references are decoded; any other `&name;` stays as written.
 */

/** What went wrong, and where. */
export interface XmlProblem {
  readonly message: string;
  readonly line: number;
}

/** The document (`{ root: value }`), or the first problem found. */
export type XmlReading = { readonly document: Record<string, unknown> } | { readonly problem: XmlProblem };

/** Deeper documents are refused: readers of the tree recurse, and no provider nests like this. */
export const MAX_XML_DEPTH = 256;

/** An element being read. */
interface Frame {
  readonly name: string;
  /** Where its tag starts, for problems found when it closes. */
  readonly at: number;
  /** Attribute keys (`@name`) and values, flat; set on the element when it closes, after its children. */
  attributes: string[] | undefined;
  children: Record<string, unknown> | undefined;
  text: string;
}

class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/** Reads `text` as XML; never throws. */
export function readXml(text: string): XmlReading {
  try {
    return { document: new Reader(text).read() };
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    return { problem: { message: error.message, line: lineAt(text, error.at) } };
  }
}

class Reader {
  private i = 0;
  private readonly stack: Frame[] = [];
  private document: Record<string, unknown> | undefined;
  private seenDoctype = false;
  /** The last search for each character: where it started and what it found (-2: none yet). */
  private readonly found = { '&': { from: 0, at: -2 }, '<': { from: 0, at: -2 } };

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.i = 1; // a byte order mark
  }

  read(): Record<string, unknown> {
    const text = this.text;
    while (this.i < text.length) {
      if (text.charCodeAt(this.i) === LT) this.markup();
      else this.characters();
    }
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) this.fail(`element <${open.name}> is never closed`, text.length);
    if (this.document === undefined) this.fail('there is no root element', text.length);
    return this.document;
  }

  /** Text up to the next `<`: inside the root it is content, outside only white space may stand. */
  private characters(): void {
    const start = this.i;
    let end = this.text.indexOf('<', start);
    if (end === -1) end = this.text.length;
    this.i = end;
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) {
      for (let k = start; k < end; k++)
        if (!isSpace(this.text.charCodeAt(k))) this.fail('text outside the root element', k);
      return;
    }
    frame.text += this.decode(start, end);
  }

  private markup(): void {
    const text = this.text;
    const i = this.i;
    const second = text.charCodeAt(i + 1);
    if (second === SLASH) this.endTag();
    else if (second !== BANG && second !== QUESTION) this.startTag();
    else if (text.startsWith('<!--', i)) this.i = this.past('-->', i + 4, 'a comment is never closed');
    else if (text.startsWith('<![CDATA[', i)) this.cdata();
    else if (text.startsWith('<?', i)) this.i = this.past('?>', i + 2, 'a processing instruction is never closed');
    else if (text.startsWith('<!DOCTYPE', i)) this.doctype();
    else this.fail("a '<!' that starts no comment, CDATA section or DOCTYPE", i);
  }

  /** The index just past the next `end` from `from`, or a problem at the construct's start. */
  private past(end: string, from: number, problem: string): number {
    const at = this.text.indexOf(end, from);
    if (at === -1) this.fail(problem, this.i);
    return at + end.length;
  }

  /** CDATA is text as written, with XML's line-ending normalisation. */
  private cdata(): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) this.fail('a CDATA section outside the root element', this.i);
    const start = this.i + 9;
    this.i = this.past(']]>', start, 'a CDATA section is never closed');
    frame.text += this.text.slice(start, this.i - 3).replace(/\r\n?/g, '\n');
  }

  /** Skips a DOCTYPE, its internal subset included; nothing in it is used (entities are never expanded). */
  private doctype(): void {
    if (this.seenDoctype || this.document !== undefined || this.stack.length > 0)
      this.fail('a DOCTYPE may only stand once, before the root element', this.i);
    this.seenDoctype = true;
    const text = this.text;
    let inSubset = false;
    for (let k = this.i + 9; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === QUOTE || c === APOS) {
        k = text.indexOf(text[k] as string, k + 1);
        if (k === -1) break;
      } else if (c === LT && text.startsWith('<!--', k)) {
        k = text.indexOf('-->', k + 4);
        if (k === -1) break;
        k += 2;
      } else if (c === 0x5b) inSubset = true;
      else if (c === 0x5d) inSubset = false;
      else if (c === GT && !inSubset) {
        this.i = k + 1;
        return;
      }
    }
    this.fail('the DOCTYPE is never closed', this.i);
  }

  private startTag(): void {
    const tagStart = this.i;
    this.i++;
    const name = this.name('a tag name');
    if (this.document !== undefined) this.fail(`a second root element <${name}>`, tagStart);
    if (this.stack.length >= MAX_XML_DEPTH) this.fail(`elements nest deeper than ${MAX_XML_DEPTH} levels`, tagStart);
    const frame: Frame = { name, at: tagStart, attributes: undefined, children: undefined, text: '' };
    const text = this.text;
    for (;;) {
      const spaced = this.skipSpace();
      const c = text.charCodeAt(this.i);
      if (c === GT) {
        this.i++;
        this.stack.push(frame);
        return;
      }
      if (c === SLASH && text.charCodeAt(this.i + 1) === GT) {
        this.i += 2;
        this.close(frame);
        return;
      }
      if (Number.isNaN(c)) this.fail(`the tag <${name}> is never closed`, tagStart);
      if (!spaced) this.fail(`unexpected character in the tag <${name}>`, this.i);
      this.attribute(frame);
    }
  }

  private attribute(frame: Frame): void {
    const at = this.i;
    const key = `@${this.name('an attribute name')}`;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== EQUALS) this.fail(`the attribute ${key.slice(1)} has no value`, this.i);
    this.i++;
    this.skipSpace();
    const quote = this.text.charCodeAt(this.i);
    if (quote !== QUOTE && quote !== APOS) this.fail(`the value of ${key.slice(1)} must be in quotes`, this.i);
    const start = this.i + 1;
    const end = this.text.indexOf(this.text[this.i] as string, start);
    if (end === -1) this.fail(`the value of ${key.slice(1)} is never closed`, at);
    const lt = this.next('<', start);
    if (lt !== -1 && lt < end) this.fail(`the value of ${key.slice(1)} holds a '<'`, lt);
    (frame.attributes ??= []).push(key, this.decode(start, end));
    this.i = end + 1;
  }

  private endTag(): void {
    const at = this.i;
    this.i += 2;
    const name = this.name('a closing tag name');
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== GT) this.fail(`the closing tag </${name}> is not closed by '>'`, this.i);
    this.i++;
    const frame = this.stack.pop();
    if (frame === undefined) this.fail(`the closing tag </${name}> has no opening tag`, at);
    if (frame.name !== name) this.fail(`the closing tag </${name}> does not match <${frame.name}>`, at);
    this.close(frame);
  }

  /** Turns a finished element into its value and hangs it on its parent (or makes it the root). */
  private close(frame: Frame): void {
    const value = this.valueOf(frame);
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      this.document = {};
      put(this.document, frame.name, value);
      return;
    }
    parent.children ??= {};
    const existing = Object.hasOwn(parent.children, frame.name) ? parent.children[frame.name] : undefined;
    if (existing === undefined) put(parent.children, frame.name, value);
    else if (Array.isArray(existing)) existing.push(value);
    else put(parent.children, frame.name, [existing, value]);
  }

  /** An element's value: its text, or its child elements, then attributes, then any text. */
  private valueOf(frame: Frame): unknown {
    const { attributes, children } = frame;
    if (attributes === undefined && children === undefined) return frame.text;
    const out = children ?? {};
    if (attributes !== undefined) {
      for (let k = 0; k < attributes.length; k += 2) {
        const key = attributes[k] as string;
        if (Object.hasOwn(out, key))
          this.fail(`the attribute ${key.slice(1)} of <${frame.name}> is repeated`, frame.at);
        out[key] = attributes[k + 1];
      }
    }
    if (frame.text.trim() !== '') out['#text'] = frame.text;
    return out;
  }

  private name(what: string): string {
    const start = this.i;
    const text = this.text;
    if (!isNameStart(text.charCodeAt(start))) this.fail(`${what} is missing or starts with a wrong character`, start);
    let k = start + 1;
    while (k < text.length && isNameChar(text.charCodeAt(k))) k++;
    this.i = k;
    return text.slice(start, k);
  }

  private skipSpace(): boolean {
    const start = this.i;
    while (isSpace(this.text.charCodeAt(this.i))) this.i++;
    return this.i > start;
  }

  /** Decodes the references in text[start, end); a `&` that starts no reference is a problem. */
  private decode(start: number, end: number): string {
    const text = this.text;
    let amp = this.next('&', start);
    if (amp === -1 || amp >= end) return text.slice(start, end);
    let out = '';
    let from = start;
    while (amp !== -1 && amp < end) {
      out += text.slice(from, amp);
      const semi = referenceEnd(text, amp + 1, end);
      if (semi === -1) this.fail("a '&' that starts no reference (write &amp;)", amp);
      out += referenceValue(text.slice(amp + 1, semi)) ?? text.slice(amp, semi + 1);
      from = semi + 1;
      amp = this.next('&', from);
    }
    return out + text.slice(from, end);
  }

  /**
   * The next `char` at or after `from`, remembered: calls come with growing `from`, so a search
   * that ran far ahead (or to the end) is reused instead of repeated for every attribute and text.
   */
  private next(char: '&' | '<', from: number): number {
    const seen = this.found[char];
    if (from >= seen.from && (seen.at === -1 || seen.at >= from)) return seen.at;
    seen.from = from;
    seen.at = this.text.indexOf(char, from);
    return seen.at;
  }

  private fail(message: string, at: number): never {
    throw new XmlSyntaxError(message, at);
  }
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The index of the `;` closing a reference whose name starts at `from`, or -1. */
function referenceEnd(text: string, from: number, end: number): number {
  let k = from;
  if (text.charCodeAt(k) === HASH) {
    k++;
    const hex = text.charCodeAt(k) === 0x78;
    if (hex) k++;
    const digitsStart = k;
    while (k < end && (hex ? isHexDigit(text.charCodeAt(k)) : isDigit(text.charCodeAt(k)))) k++;
    if (k === digitsStart) return -1;
  } else {
    if (!isNameStart(text.charCodeAt(k))) return -1;
    while (k < end && isNameChar(text.charCodeAt(k))) k++;
  }
  return k < end && text.charCodeAt(k) === SEMI ? k : -1;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The text a reference stands for; undefined for entities that are never expanded. */
function referenceValue(ref: string): string | undefined {
  if (ref.charCodeAt(0) !== HASH) return Object.hasOwn(PREDEFINED, ref) ? PREDEFINED[ref] : undefined;
  const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** The 1-based line of position `at`. */
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < at; k = text.indexOf('\n', k + 1)) line++;
  return line;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOS = 0x27;
const HASH = 0x23;
const SEMI = 0x3b;
const BANG = 0x21;
const QUESTION = 0x3f;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** XML's NameStartChar, with every non-ASCII code unit admitted (as the letters of other scripts). */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c) || c === 0x2d || c === 0x2e;
}
