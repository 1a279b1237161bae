/**
 * AWS Signature Version 4 (header form): canonical request, string to sign, derived signing key.
 * Signs host, x-amz-date, content-type (when present), x-amz-security-token (when given) and every
 * other x-amz-* header of the request (the X-Amz-Target of JSON-protocol APIs), which AWS expects signed.
 */
import { createHash, createHmac } from 'node:crypto';
import { percentEncode } from '../template/escape.js';
import type { SignedRequest } from './request-facts.js';
import { requestTarget } from '../http/request-target.js';

/** Credentials and scope for one signature. */
export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly region: string;
  readonly service: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** The headers that sign `request` (lower-case names). */
export function sigV4Headers(
  request: SignedRequest,
  credentials: SigV4Credentials,
  now = new Date(),
): Record<string, string> {
  const url = requestTarget(request.url);
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const dateStamp = amzDate.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-date': amzDate };
  if (credentials.sessionToken) added['x-amz-security-token'] = credentials.sessionToken;
  const signedValues: Record<string, string> = { host: url.host, ...added };
  const contentType = request.headers['content-type'];
  if (contentType !== undefined) signedValues['content-type'] = contentType;
  for (const [name, value] of Object.entries(request.headers))
    if (name.startsWith('x-amz-') && !(name in signedValues)) signedValues[name] = value;
  const names = Object.keys(signedValues).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(signedValues[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    canonicalPath(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeaders,
    sha256(request.body ?? ''),
  ].join('\n');
  const scope = `${dateStamp}/${credentials.region}/${credentials.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = ['aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, dateStamp), credentials.region), credentials.service),
  );
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    ...added,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** Each path segment decoded and encoded again, strictly. */
function canonicalPath(path: string): string {
  return (
    path
      .split('/')
      .map((segment) => percentEncode(safeDecode(segment)))
      .join('/') || '/'
  );
}

/** Query parameters decoded, strictly encoded, sorted by name then value. */
function canonicalQuery(search: string): string {
  if (search.length <= 1) return '';
  return search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const [k, v] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      return [percentEncode(safeDecode(k)), percentEncode(safeDecode(v))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
