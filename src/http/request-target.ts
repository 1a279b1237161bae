/**
 * The request target (path and query) sent exactly as rendered. The WHATWG URL parser that
 * `new URL` and undici use treats `%2E` and `%2E%2E` as dot segments and resolves them, so a
 * message text `..` in a path position, which the renderer sends as `%2E%2E`, would still remove
 * the segment before it. Here only literal `.` and `..` segments (the template's own text) are
 * resolved, as RFC 3986 §5.2.4 and curl do; everything else matches the WHATWG serialisation.
 */

/** A URL split for the wire: the authority as the WHATWG parser reads it, path and query as rendered. */
export interface RequestTarget {
  readonly protocol: string;
  readonly origin: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  /** The path as sent, starting with `/`. */
  readonly pathname: string;
  /** `?` and the query as sent, or empty. */
  readonly search: string;
}

// Scheme and authority; the authority ends where WHATWG ends it for http(s) (a backslash included).
const RAW = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\\]*([^?#]*)(\?[^#]*)?/;
// What the WHATWG serialiser percent-encodes in a path and in a special URL's query.
const PATH_ENCODED = /[^\u0021-\u007E]|["<>`{}]/gu;
const QUERY_ENCODED = /[^\u0021-\u007E]|["<>']/gu;

// Most services send every message to the same URL (the account's, not the message's), so the
// split is kept for the URLs seen last: a send then costs one look-up instead of a WHATWG parse and
// three regular expressions. Bounded, so URLs that carry per-message values cannot grow it.
const SEEN = new Map<string, RequestTarget>();
const SEEN_LIMIT = 256;

/** Splits `given`; throws (as `new URL` does) when it is not a valid URL. */
export function requestTarget(given: string): RequestTarget {
  const seen = SEEN.get(given);
  if (seen !== undefined) return seen;
  const target = split(given);
  if (SEEN.size >= SEEN_LIMIT) SEEN.clear();
  SEEN.set(given, target);
  return target;
}

function split(given: string): RequestTarget {
  const parsed = new URL(given);
  // As the WHATWG parser does: outer spaces and controls dropped, tabs and newlines removed.
  const url = given.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const [, rawPath = '', rawQuery = ''] = RAW.exec(url) ?? [];
  const path = encode(rawPath.replaceAll('\\', '/'), PATH_ENCODED);
  return Object.freeze({
    protocol: parsed.protocol,
    origin: parsed.origin,
    host: parsed.host,
    hostname: parsed.hostname,
    port: parsed.port,
    pathname: removeDotSegments(path.startsWith('/') ? path : `/${path}`),
    search: rawQuery.length <= 1 ? '' : encode(rawQuery, QUERY_ENCODED),
  });
}

function encode(text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (c) => {
    // encodeURIComponent leaves ' as it is; ASCII is encoded by hand.
    if (c.length === 1 && c < '\u0080') return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    try {
      return encodeURIComponent(c);
    } catch {
      throw new TypeError(`the URL contains an unpaired UTF-16 surrogate`);
    }
  });
}

const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** RFC 3986 §5.2.4 for literal `.` and `..` segments only; `%2E` stays text. */
function removeDotSegments(path: string): string {
  if (!DOT_SEGMENT.test(path)) return path;
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const last = i === segments.length - 1;
    if (segment === '..') out.pop();
    if (segment !== '.' && segment !== '..') out.push(segment);
    else if (last) out.push('');
  }
  return `/${out.join('/')}`;
}
