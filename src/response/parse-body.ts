/** Parses a response body as JSON, XML, delimited fields or nothing, by the provider's rule or the Content-Type. */
import type { ResponseRules } from '../generated/provider.js';
import { isJsonMediaType } from '../template/contexts.js';
import { MAX_XML_RESPONSE_CHARS, parseXml } from './xml.js';

/** A parsed body: its format and document, or why it could not be parsed. */
export type ParsedBody =
  | { readonly format: 'json' | 'xml' | 'delimited'; readonly document: unknown }
  | { readonly format: 'text'; readonly problem?: string };

/**
 * Parses `text` by `format` (`auto`: by Content-Type, then by its first character). Never throws.
 * XML longer than {@link MAX_XML_RESPONSE_CHARS} is not read (no provider answers so much, and a
 * hostile body's cost is bounded by what is read); XML attributes are read only with `attributes`.
 * `delimited` is never sniffed: only a provider that answers `success | … | id` chooses it.
 */
export function parseBody(
  text: string,
  contentType: string,
  format: ResponseRules['format'] = 'auto',
  { attributes = true, separator = '|' }: { attributes?: boolean; separator?: string } = {},
): ParsedBody {
  const chosen = format === 'auto' ? sniff(text, contentType) : format;
  if (chosen === 'text') return { format: 'text' };
  if (chosen === 'delimited') return { format: 'delimited', document: fieldsOf(text, separator) };
  if (chosen === 'xml' && text.length > MAX_XML_RESPONSE_CHARS)
    return {
      format: 'text',
      problem: `the response is not readable XML (${text.length} characters; XML is read up to ${MAX_XML_RESPONSE_CHARS})`,
    };
  try {
    return chosen === 'json'
      ? { format: 'json', document: JSON.parse(text) }
      : { format: 'xml', document: parseXml(text, { attributes }) };
  } catch (error) {
    return {
      format: 'text',
      problem: `the response is not valid ${chosen.toUpperCase()} (${(error as Error).message})`,
    };
  }
}

/**
 * The trimmed fields of a one-line answer, an array that pointers address as /0, /1, …. An empty
 * body has no fields, so a success condition on /0 fails instead of matching an empty string.
 */
function fieldsOf(text: string, separator: string): string[] {
  const line = text.trim();
  return line === '' ? [] : line.split(separator).map((field) => field.trim());
}

function sniff(text: string, contentType: string): 'json' | 'xml' | 'text' {
  // The usual answer, told apart without splitting and lower-casing the header.
  if (contentType.startsWith('application/json') && (contentType.length === 16 || contentType[16] === ';'))
    return 'json';
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (isJsonMediaType(type)) return 'json';
  if (type === 'text/html') return 'text';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  if (first === '<' && !/^\s*<(!doctype\s+html|html)/i.test(text)) return 'xml';
  return 'text';
}

const attributeReaders = new WeakMap<object, boolean>();

/**
 * Whether any pointer in `rules` reads an XML attribute (a segment `@name`), so that attributes are
 * parsed only for the rules that need them. Decided once per rules object.
 */
export function readsAttributes(rules: object): boolean {
  let reads = attributeReaders.get(rules);
  if (reads === undefined) {
    reads = JSON.stringify(rules).includes('/@');
    attributeReaders.set(rules, reads);
  }
  return reads;
}
