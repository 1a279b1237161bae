/**
 * Renders the exact HTTP request for one call of a service: URL, headers, auth and body, each value
 * escaped for where it stands; the body re-checked against its content type; secrets kept off plain
 * http. Pure: nothing is sent here.
 */
import { bodyProblem, renderBody } from '../template/body.js';
import { RenderError } from '../template/escape.js';
import { MASK, renderTemplate, type Scope } from '../template/render.js';
import type { CompiledAuth, CompiledService } from '../provider/compile-service.js';
import { templatesHost, type CompiledTemplate } from '../template/compile.js';
import { hmacHeaders } from '../auth/hmac.js';
import { sigV4Headers } from '../auth/sigv4.js';
import type { TokenRequest } from '../auth/oauth2.js';
import { fixedParts, type FixedParts } from './fixed-parts.js';

/** The request as it goes on the wire (or, masked, as shown to a person). */
export interface RenderedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Credentials to answer the server's challenge (Digest or Basic) with, when the service waits for one. */
  readonly challengeAuth?: { readonly username: string; readonly password: string };
  /** The OAuth2 token to fetch (or reuse) before sending; its bearer header is filled in then. */
  readonly tokenRequest?: TokenRequest;
}

/** How to render. */
export interface RenderSettings {
  readonly origin: string | undefined;
  readonly mask: boolean;
  readonly allowInsecureSecrets: boolean;
}

/** Renders `service` with `scope`; throws RenderError when a value cannot be placed. */
export function renderRequest(service: CompiledService, scope: Scope, settings: RenderSettings): RenderedRequest {
  // What reads only account values was rendered once for this account; masked output is for people, rendered in full.
  const fixed = settings.mask
    ? undefined
    : fixedParts(service, scope.account, settings.origin, withOrigin, basicAuthorization);
  const url = fixed?.url ?? withOrigin(renderTemplate(service.url, scope, settings.mask), settings.origin);
  // A literal host was checked when the connector was created; a templated one is checked here.
  if (service.usesSecret && service.hostTemplated && !settings.allowInsecureSecrets) checkTransport(url);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (service.body !== undefined) {
    body = renderBody(service.body, scope, settings.mask);
    const structural = service.body.kind === 'text' && service.body.template.structural;
    const problem = structural && !settings.mask ? bodyProblem(body, service.body.format) : undefined;
    if (problem) throw new RenderError(problem);
    headers['content-type'] = service.contentType;
  }
  service.headers.forEach(({ name, value }, i) => {
    headers[name.toLowerCase()] = fixed?.headers[i] ?? renderTemplate(value, scope, settings.mask);
  });
  const request: RenderedRequest =
    body === undefined ? { method: service.method, url, headers } : { method: service.method, url, headers, body };
  return service.auth === undefined ? request : authorize(service.auth, request, headers, scope, settings, fixed);
}

/** Adds what `auth` needs to `request`: a header, signature headers, or what to do when sending. */
function authorize(
  auth: CompiledAuth,
  request: RenderedRequest,
  headers: Record<string, string>,
  scope: Scope,
  settings: RenderSettings,
  fixed: FixedParts | undefined,
): RenderedRequest {
  const mask = settings.mask;
  const masked = (template: CompiledTemplate) => (mask && template.usesSecret ? MASK : renderTemplate(template, scope));
  switch (auth.type) {
    case 'bearer':
      headers.authorization = `Bearer ${masked(auth.token)}`;
      return request;
    case 'basic':
      headers.authorization =
        fixed?.basic ??
        basicAuthorization(
          renderTemplate(auth.username, scope, mask),
          renderTemplate(auth.password, scope, mask),
          mask && (auth.username.usesSecret || auth.password.usesSecret),
        );
      return request;
    case 'digest':
      return {
        ...request,
        challengeAuth: {
          username: renderTemplate(auth.username, scope, mask),
          password: renderTemplate(auth.password, scope, mask),
        },
      };
    case 'hmac':
      Object.assign(headers, hmacHeaders(auth, request, scope, mask));
      return request;
    case 'aws-sigv4': {
      const credentials = {
        accessKeyId: renderTemplate(auth.accessKeyId, scope),
        secretAccessKey: renderTemplate(auth.secretAccessKey, scope),
        sessionToken: auth.sessionToken === undefined ? undefined : renderTemplate(auth.sessionToken, scope),
        region: renderTemplate(auth.region, scope),
        service: auth.service,
      };
      const signed = sigV4Headers(request, credentials);
      if (mask)
        signed.authorization = signed.authorization?.replace(/Signature=[0-9a-f]+/, `Signature=${MASK}`) ?? MASK;
      if (mask && signed['x-amz-security-token'] !== undefined) signed['x-amz-security-token'] = MASK;
      Object.assign(headers, signed);
      return request;
    }
    case 'oauth2': {
      headers.authorization = `Bearer ${MASK}`;
      const tokenUrl = withOrigin(renderTemplate(auth.tokenUrl, scope), settings.origin);
      // A literal token host was checked when the connector was created; a templated one is checked here.
      if (!settings.allowInsecureSecrets && templatesHost(auth.tokenUrl)) checkTransport(tokenUrl);
      return {
        ...request,
        tokenRequest: {
          tokenUrl,
          clientId: renderTemplate(auth.clientId, scope, mask),
          clientSecret: renderTemplate(auth.clientSecret, scope, mask),
          scope: auth.scope,
          clientAuth: auth.clientAuth,
        },
      };
    }
  }
}

/** `Basic base64(user:password)`; a user name may not contain a colon (RFC 7617). */
export function basicAuthorization(username: string, password: string, masked = false): string {
  if (username.includes(':')) throw new RenderError('an HTTP Basic user name cannot contain ":"');
  if (masked) return `Basic ${MASK}`;
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Replaces scheme, host and port of `url` with `origin`, keeping the rest byte for byte. */
export function withOrigin(url: string, origin: string | undefined): string {
  if (origin === undefined) return url;
  return url.replace(/^https?:\/\/[^/?#]*/i, origin);
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Secrets never travel over plain http to a host that is not loopback (DESIGN §2). */
export function checkTransport(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RenderError(`"${url}" is not a valid URL`);
  }
  if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname)) {
    throw new RenderError(
      `a secret would be sent over plain http to ${parsed.hostname}; use https, or set "allowInsecureSecrets": true in the account if the provider offers nothing else`,
    );
  }
}
