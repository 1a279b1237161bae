/**
 * Reads XML into plain objects for JSON Pointers. Entity expansion is off: only the five XML
 * entities and character references are decoded; DOCTYPE entities stay as written, never expanded.
 * Elements become properties (repeated ones arrays), attributes `@name`, mixed text `#text`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  attributeValueProcessor: (_name: string, value: string) => decodeXmlText(value),
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;

/** Decodes the predefined entities and character references; leaves any other `&name;` as is. */
function decodeXmlText(text: string): string {
  return text.replace(REFERENCE, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Whether `text` is well-formed XML; returns the problem with its line, or undefined. */
export function xmlProblem(text: string): { message: string; line: number } | undefined {
  const result = XMLValidator.validate(text);
  return result === true ? undefined : { message: result.err.msg, line: result.err.line };
}

/** Parses well-formed XML; throws on malformed input (check with {@link xmlProblem} first). */
export function parseXml(text: string): unknown {
  const problem = xmlProblem(text);
  if (problem) throw new SyntaxError(`${problem.message} (line ${problem.line})`);
  return normalize(parser.parse(cdataAsText(text)));
}

/**
 * Rewrites CDATA sections as escaped text (with XML's line-ending normalisation), so text and
 * CDATA keep their order and one decoding pass serves both.
 */
function cdataAsText(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_whole, content: string) =>
    content.replace(/\r\n?/g, '\n').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'),
  );
}

/** Decodes text nodes and drops indentation between child elements. */
function normalize(node: unknown): unknown {
  if (typeof node === 'string') return decodeXmlText(node);
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== 'object') return node;
  const children = Object.entries(node).filter(([k]) => k !== '#text');
  const raw = (node as Record<string, string | number | boolean | string[] | undefined>)['#text'];
  const text = raw === undefined ? '' : decodeXmlText(Array.isArray(raw) ? raw.join('') : String(raw));
  if (children.length === 0) return text;
  const out: Record<string, unknown> = {};
  for (const [k, v] of children) out[k] = k.startsWith('@') ? v : normalize(v);
  if (text.trim() !== '') out['#text'] = text;
  return out;
}
