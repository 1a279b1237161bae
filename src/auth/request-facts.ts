/**
 * Facts about a rendered request that signing schemes sign: method, URL parts, body digests, a
 * date and a nonce. Computed once per signed request and offered to templates as parameters.
 */
import { createHash, randomUUID } from 'node:crypto';
import { requestTarget } from '../http/request-target.js';

/** The names signing templates may use, besides the service's parameters. */
export const SIGNING_PARAMS = [
  'request_method',
  'request_url',
  'request_host',
  'request_hostname',
  'request_port',
  'request_path',
  'request_query',
  'request_path_and_query',
  'request_content_type',
  'request_body',
  'body_sha256_base64',
  'body_sha256_hex',
  'body_md5_base64',
  'request_date_rfc1123',
  'request_date_iso',
  'request_timestamp',
  'request_nonce',
] as const;

/** The request as signing sees it. */
export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

/** The facts of `request` at `now`, by parameter name. */
export function requestFacts(request: SignedRequest, now: Date): Record<(typeof SIGNING_PARAMS)[number], string> {
  // The path and query as they are sent, which is what the server signs over.
  const url = requestTarget(request.url);
  const body = request.body ?? '';
  const sha256 = createHash('sha256').update(body, 'utf8').digest();
  const query = url.search.slice(1);
  return {
    request_method: request.method,
    request_url: request.url,
    request_host: url.host,
    request_hostname: url.hostname,
    request_port: url.port || (url.protocol === 'https:' ? '443' : '80'),
    request_path: url.pathname,
    request_query: query,
    request_path_and_query: url.pathname + url.search,
    request_content_type: request.headers['content-type'] ?? '',
    request_body: body,
    body_sha256_base64: sha256.toString('base64'),
    body_sha256_hex: sha256.toString('hex'),
    body_md5_base64: createHash('md5').update(body, 'utf8').digest('base64'),
    request_date_rfc1123: now.toUTCString(),
    request_date_iso: now.toISOString(),
    request_timestamp: String(Math.floor(now.getTime() / 1000)),
    request_nonce: randomUUID().replaceAll('-', ''), // 32 hex digits: some schemes allow no more
  };
}
