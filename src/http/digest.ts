/**
 * HTTP Digest authentication (RFC 7616): answers a `WWW-Authenticate: Digest` challenge.
 * Supports MD5, SHA-256 and their -sess variants, with qop=auth or no qop.
 */
import { createHash, randomBytes } from 'node:crypto';

/**
 * Parses the Digest challenge in a WWW-Authenticate header, or returns undefined. Scans by hand,
 * each character once: the regular expression it replaces was quadratic on a long run of name
 * characters with no `=` (a hostile server's header).
 */
export function parseDigestChallenge(header: string | undefined): Record<string, string> | undefined {
  if (header === undefined) return undefined;
  let i = skipSpace(header, 0);
  if (header.slice(i, i + 6).toLowerCase() !== 'digest' || !isSpace(header.charCodeAt(i + 6))) return undefined;
  const params: Record<string, string> = {};
  i += 7;
  while (i < header.length) {
    const nameStart = i;
    while (isNameChar(header.charCodeAt(i))) i++;
    if (i === nameStart) {
      i++; // not a parameter here: look from the next character, as a search would
      continue;
    }
    const nameEnd = i;
    i = skipSpace(header, i);
    if (header.charCodeAt(i) !== EQUALS) continue;
    const name = header.slice(nameStart, nameEnd).toLowerCase();
    i = skipSpace(header, i + 1);
    const value = readValue(header, i);
    if (value === undefined) break; // a quoted string that never closes ends the challenge
    if (value.text !== '' || value.end > i) params[name] = value.text;
    i = value.end;
  }
  return params.nonce === undefined ? undefined : params;
}

/** A quoted string (backslash escapes undone) or a token, from `start`; undefined if a quote never closes. */
function readValue(header: string, start: number): { text: string; end: number } | undefined {
  if (header.charCodeAt(start) !== QUOTE) {
    let end = start;
    while (end < header.length && header[end] !== ',' && !isSpace(header.charCodeAt(end))) end++;
    return { text: unescape(header.slice(start, end)), end };
  }
  let text = '';
  for (let k = start + 1; k < header.length; k++) {
    const c = header[k] as string;
    if (c === '"') return { text, end: k + 1 };
    if (c === '\\' && k + 1 < header.length) k++;
    text += header[k];
  }
  return undefined;
}

function unescape(token: string): string {
  if (!token.includes('\\')) return token;
  let out = '';
  for (let k = 0; k < token.length; k++) out += token[token[k] === '\\' && k + 1 < token.length ? ++k : k];
  return out;
}

const QUOTE = 0x22;
const EQUALS = 0x3d;

function skipSpace(text: string, from: number): number {
  let i = from;
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The characters of a parameter name: letters, digits, `_` and `-`. */
function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}

/** The Authorization header value answering `challenge` for one request. */
export function digestAuthorization(
  challenge: Record<string, string>,
  request: { method: string; uri: string; username: string; password: string },
): string {
  const algorithm = (challenge.algorithm ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const hash = (text: string) => createHash(hashName).update(text, 'utf8').digest('hex');
  const realm = challenge.realm ?? '';
  const nonce = challenge.nonce ?? '';
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const qop = (challenge.qop ?? '')
    .split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : undefined;

  let ha1 = hash(`${request.username}:${realm}:${request.password}`);
  if (algorithm.endsWith('-SESS')) ha1 = hash(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = hash(`${request.method}:${request.uri}`);
  const response = qop ? hash(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : hash(`${ha1}:${nonce}:${ha2}`);

  const quote = (v: string) => `"${v.replace(/(["\\])/g, '\\$1')}"`;
  const fields = [
    `username=${quote(request.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(request.uri)}`,
    `algorithm=${challenge.algorithm ?? 'MD5'}`,
    `response=${quote(response)}`,
  ];
  if (challenge.opaque !== undefined) fields.push(`opaque=${quote(challenge.opaque)}`);
  if (qop) fields.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${fields.join(', ')}`;
}
