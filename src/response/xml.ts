/**
 * Reads XML into plain objects for JSON Pointers, with fast-xml-parser (the library the design
 * names): its validator finds the first problem and its line, its parser builds the tree in
 * document order, and this module shapes it. Elements become properties (repeated ones arrays),
 * attributes `@name`, mixed text `#text`; an element with neither attributes nor child elements is
 * its text. Entity expansion is off: only the five XML entities and character references are
 * decoded; DOCTYPE entities stay as written, never expanded.
 *
 * What a hostile body costs is bounded by what it is given: provider responses are read only up to
 * {@link MAX_XML_RESPONSE_CHARS} (see parse-body.ts), nesting past {@link MAX_XML_DEPTH} is refused,
 * and attributes are parsed only when a rule reads one. `npm run bench:xml` measures the worst
 * bodies at the cap.
 */
import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';

/** Deeper documents are refused: readers of the tree recurse, and no provider nests like this. */
export const MAX_XML_DEPTH = 256;

/** The longest XML response read: far beyond any real provider answer; a longer one is unreadable. */
export const MAX_XML_RESPONSE_CHARS = 64 * 1024;

/** Where a document is not well-formed, and why. */
export interface XmlProblem {
  readonly message: string;
  readonly line: number;
}

const RESERVED: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Cannot stand in an XML name, so a marked name never meets a real one. */
const MARK = '\u0000';

const OPTIONS: X2jOptions = {
  preserveOrder: true, // text and CDATA keep their order
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  maxNestedTags: MAX_XML_DEPTH,
  jPath: false, // no path string built per tag: a third of the time on many small elements
  // The parser refuses these names outright (a guard against prototype pollution); they are marked
  // here, unmarked when shaped, and `put` stores them as own properties, so a document using one is
  // read (and refused, where a key, with its line) like any other.
  transformTagName: (name) => (RESERVED.has(name) ? MARK + name : name),
};
const withAttributes = new XMLParser({ ...OPTIONS, ignoreAttributes: false });
const withoutAttributes = new XMLParser({ ...OPTIONS, ignoreAttributes: true });

/** The document (`{ root: value }`), or the first problem found. */
type XmlReading = { readonly document: Record<string, unknown> } | { readonly problem: XmlProblem };

/** Whether `text` is well-formed XML (and nests no deeper than the limit); the problem with its line, or undefined. */
export function xmlProblem(text: string): XmlProblem | undefined {
  const reading = read(text, false);
  return 'problem' in reading ? reading.problem : undefined;
}

/**
 * Parses well-formed XML; throws on malformed input (check with {@link xmlProblem} first). With
 * `attributes: false` attributes are not read (they are then absent from the tree).
 */
export function parseXml(text: string, { attributes = true }: { attributes?: boolean } = {}): unknown {
  const reading = read(text, attributes);
  if ('problem' in reading) throw new SyntaxError(`${reading.problem.message} (line ${reading.problem.line})`);
  return reading.document;
}

function read(text: string, attributes: boolean): XmlReading {
  const result = XMLValidator.validate(text);
  if (result !== true) return { problem: { message: result.err.msg, line: result.err.line } };
  let nodes: OrderedNode[];
  try {
    nodes = (attributes ? withAttributes : withoutAttributes).parse(text) as OrderedNode[];
  } catch (error) {
    if (!(error instanceof Error) || !/nested tags/i.test(error.message)) throw error;
    return { problem: { message: `elements nest deeper than ${MAX_XML_DEPTH} levels`, line: lineOfDepth(text) } };
  }
  const roots = nodes.filter((node) => elementName(node) !== undefined);
  const [root, second] = roots;
  // The validator lets a second root element pass; XML allows one.
  if (second !== undefined) {
    const name = unmark(elementName(second) as string);
    return {
      problem: { message: `a second root element <${name}>`, line: lineAt(text, text.lastIndexOf(`<${name}`)) },
    };
  }
  if (root === undefined) return { problem: { message: 'there is no root element', line: 1 } };
  const key = elementName(root) as string;
  const document: Record<string, unknown> = {};
  put(document, unmark(key), valueOf(root[key] as OrderedNode[], root[':@']));
  return { document };
}

/** One node of fast-xml-parser's ordered output: `{ name: children, ':@': attributes }`, `#text` or `#cdata`. */
type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ':@' && key !== '#text' && key !== '#cdata') return key;
  return undefined;
}

/** A tag name as written (see {@link MARK}). */
function unmark(key: string): string {
  return key.startsWith(MARK) ? key.slice(MARK.length) : key;
}

/** An element's value: its text, or its child elements, then attributes, then any text. */
function valueOf(children: readonly OrderedNode[], attributes: Record<string, string> | undefined): unknown {
  let text = '';
  let elements: Record<string, unknown> | undefined;
  for (const child of children) {
    if ('#text' in child) text += decode(textOf(child));
    else if ('#cdata' in child) text += cdataText(child['#cdata'] as OrderedNode[]);
    else {
      const key = elementName(child);
      if (key === undefined) continue;
      const name = unmark(key);
      const value = valueOf(child[key] as OrderedNode[], child[':@']);
      elements ??= {};
      const existing = Object.hasOwn(elements, name) ? elements[name] : undefined;
      if (existing === undefined) put(elements, name, value);
      else if (Array.isArray(existing)) existing.push(value);
      else put(elements, name, [existing, value]);
    }
  }
  if (attributes === undefined && elements === undefined) return text;
  const out = elements ?? {};
  for (const [key, value] of Object.entries(attributes ?? {})) out[key] = decode(value);
  if (text.trim() !== '') out['#text'] = text;
  return out;
}

/** A text node's text (with parseTagValue off it is always a string). */
function textOf(node: OrderedNode): string {
  const text = node['#text'];
  return typeof text === 'string' ? text : '';
}

/** CDATA is text as written, with XML's line-ending normalisation. */
function cdataText(nodes: readonly OrderedNode[]): string {
  return nodes
    .map((node) => textOf(node))
    .join('')
    .replace(/\r\n?/g, '\n');
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g;

/** Decodes the predefined entities and character references; leaves any other `&name;` as is. */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The line where nesting passes the limit, about: that of the 257th `<` (comments and the like count too). */
function lineOfDepth(text: string): number {
  let at = -1;
  for (let n = 0; n <= MAX_XML_DEPTH; n++) at = text.indexOf('<', at + 1);
  return lineAt(text, at);
}

/** The 1-based line of position `at`. */
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < at; k = text.indexOf('\n', k + 1)) line++;
  return line;
}
