/**
 * One escaper per position a placeholder can stand in (DESIGN §2 table). The renderer joins literal
 * parts with the output of these functions only; a raw value reaches a request no other way.
 */

/** Where a placeholder stands, which decides how its value is escaped. */
export type Context =
  'urlAuthority' | 'urlComponent' | 'form' | 'jsonString' | 'jsonLiteral' | 'xml' | 'xmlCdata' | 'header' | 'raw';

/** A value cannot be placed where its placeholder stands; the message says why. */
export class RenderError extends Error {
  override name = 'RenderError';
}

const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;
const JSON_PLAIN = /^[^"\\\u0000-\u001F\uD800-\uDFFF]*$/;

/** Percent-encodes all but RFC 3986 unreserved characters (so space is %20 and + is %2B). */
export function percentEncode(value: string): string {
  if (UNRESERVED_ONLY.test(value)) return value;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    throw new RenderError('the value contains an unpaired UTF-16 surrogate, which cannot be encoded as UTF-8');
  }
  return encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const JSON_LITERAL = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;
// Characters XML 1.0 cannot carry at all, not even as character references.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const XML_SPECIAL = /[&<>"'\t\n\r]/g;
const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Character references survive the parser's newline and attribute normalisation.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const HEADER_FORBIDDEN = /[\u0000-\u0008\u000A-\u001F\u007F]/;

function xmlEscape(value: string): string {
  const bad = XML_FORBIDDEN.exec(value);
  if (bad) throw new RenderError(`character U+${codePoint(bad[0])} cannot be sent in XML`);
  return value.replace(XML_SPECIAL, (c) => XML_ENTITIES[c] ?? c);
}

function codePoint(c: string): string {
  return (c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

const ESCAPERS: Record<Context, (value: string) => string> = {
  urlAuthority(value) {
    if (!/^[A-Za-z0-9.-]*$/.test(value)) throw new RenderError(`"${value}" is not a valid host name part`);
    return value;
  },
  // A value of one or two dots would be a dot segment (alone, or joined with literal dots) that URL
  // normalisation resolves, removing a segment; encoded, it arrives as text (see http/request-target).
  urlComponent: (value) => (value === '.' || value === '..' ? value.replaceAll('.', '%2E') : percentEncode(value)),
  form: percentEncode,
  jsonString: (value) => (JSON_PLAIN.test(value) ? value : JSON.stringify(value).slice(1, -1)),
  jsonLiteral(value) {
    if (!JSON_LITERAL.test(value)) {
      throw new RenderError(`"${value}" stands outside quotes in JSON, so it must be a number, true, false or null`);
    }
    return value;
  },
  xml: xmlEscape,
  xmlCdata(value) {
    xmlEscape(value); // the same forbidden characters
    // `]]>` would end the section; CR would be normalised to LF even inside CDATA, so it steps out.
    return value.replaceAll(']]>', ']]]]><![CDATA[>').replaceAll('\r', ']]>&#13;<![CDATA[');
  },
  header(value) {
    const bad = HEADER_FORBIDDEN.exec(value);
    if (bad)
      throw new RenderError(
        `a header value cannot contain control character U+${codePoint(bad[0])} (CR and LF would inject headers)`,
      );
    if (/[^\u0000-\u00FF]/.test(value)) throw new RenderError('a header value can only hold Latin-1 characters');
    return value;
  },
  raw: (value) => value,
};

/**
 * Escapes `value` for `context`; throws {@link RenderError} when it cannot stand there. A value
 * with an unpaired surrogate can stand nowhere: UTF-8 has no bytes for it, so sending it would
 * silently turn it into U+FFFD. JSON alone could write it (`\uD800`), but it is no character: one
 * rule for every position.
 */
export function escapeFor(context: Context, value: string): string {
  assertWellFormed(value);
  return ESCAPERS[context](value);
}

// With the u flag a surrogate pair is one code point, so only an unpaired half is category Cs.
const LONE_SURROGATE = /\p{Cs}/u;

/** The index of the first unpaired UTF-16 surrogate in `value`, or -1 when it is well-formed. */
export function loneSurrogateAt(value: string): number {
  return LONE_SURROGATE.exec(value)?.index ?? -1;
}

// String.prototype.isWellFormed (Node 20; ES2024, so not in this project's lib types) answers
// without a regular expression's scan per value; the index is looked for only to say where.
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Throws {@link RenderError} when `value` holds an unpaired UTF-16 surrogate. */
export function assertWellFormed(value: string): void {
  if (isWellFormed !== undefined && isWellFormed.call(value)) return;
  const at = loneSurrogateAt(value);
  if (at !== -1)
    throw new RenderError(
      `the value contains an unpaired UTF-16 surrogate (U+${codePoint(value.charAt(at))} at index ${at}), which cannot be encoded as UTF-8`,
    );
}
