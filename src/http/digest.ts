/**
 * HTTP Digest authentication (RFC 7616): answers a `WWW-Authenticate: Digest` challenge.
 * Supports MD5, SHA-256 and their -sess variants, with qop=auth or no qop.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Parses the Digest challenge in a WWW-Authenticate header, or returns undefined. */
export function parseDigestChallenge(header: string | undefined): Record<string, string> | undefined {
  if (header === undefined || !/^\s*Digest\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g;
  for (const match of header.replace(/^\s*Digest\s/i, '').matchAll(pattern)) {
    params[(match[1] ?? '').toLowerCase()] = (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return params.nonce === undefined ? undefined : params;
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
