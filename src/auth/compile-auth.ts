/**
 * Compiles a service's auth block: every credential a template, signing templates with the request
 * facts as extra parameters. One union, one place.
 */
import type { ServiceSpec } from '../generated/provider.js';
import { compileTemplate, type CompiledTemplate, type KnownNames } from '../template/compile.js';
import type { TemplateKind } from '../template/contexts.js';
import { SIGNING_PARAMS } from './request-facts.js';

/** How a request authenticates, with its templates compiled. */
export type CompiledAuth =
  | { readonly type: 'basic' | 'digest'; readonly username: CompiledTemplate; readonly password: CompiledTemplate }
  | { readonly type: 'bearer'; readonly token: CompiledTemplate }
  | {
      readonly type: 'hmac';
      readonly algorithm: 'sha256' | 'sha1' | 'sha512';
      readonly key: CompiledTemplate;
      readonly keyEncoding: 'utf8' | 'base64' | 'hex';
      readonly stringToSign: CompiledTemplate;
      readonly signatureEncoding: 'base64' | 'hex';
      readonly headers: readonly { readonly name: string; readonly value: CompiledTemplate }[];
    }
  | {
      readonly type: 'aws-sigv4';
      readonly service: string;
      readonly region: CompiledTemplate;
      readonly accessKeyId: CompiledTemplate;
      readonly secretAccessKey: CompiledTemplate;
      readonly sessionToken: CompiledTemplate | undefined;
    }
  | {
      readonly type: 'oauth2';
      readonly tokenUrl: CompiledTemplate;
      readonly clientId: CompiledTemplate;
      readonly clientSecret: CompiledTemplate;
      readonly scope: string | undefined;
      readonly clientAuth: 'basic' | 'body';
    };

/** Compiles `auth`; problems are pushed with their pointer. */
export function compileAuth(
  auth: ServiceSpec['auth'],
  known: KnownNames,
  problems: { pointer: string; message: string }[],
): CompiledAuth | undefined {
  if (auth === undefined) return undefined;
  const signing: KnownNames = { ...known, params: [...known.params, ...SIGNING_PARAMS] };
  const t = (source: string, field: string, kind: TemplateKind = 'raw', names: KnownNames = known) => {
    const result = compileTemplate(source, kind, names);
    for (const message of result.problems) problems.push({ pointer: `/auth/${field}`, message });
    return result.template;
  };
  switch (auth.type) {
    case 'bearer':
      return { type: 'bearer', token: t(auth.token, 'token') };
    case 'basic':
    case 'digest':
      return { type: auth.type, username: t(auth.username, 'username'), password: t(auth.password, 'password') };
    case 'hmac':
      return {
        type: 'hmac',
        algorithm: auth.algorithm ?? 'sha256',
        key: t(auth.key, 'key'),
        keyEncoding: auth.keyEncoding ?? 'utf8',
        stringToSign: t(auth.stringToSign, 'stringToSign', 'raw', signing),
        signatureEncoding: auth.signatureEncoding ?? 'base64',
        headers: Object.entries(auth.headers).map(([name, value]) => ({
          name,
          value: t(value, `headers/${name}`, 'header', { ...signing, params: [...signing.params, 'signature'] }),
        })),
      };
    case 'aws-sigv4':
      return {
        type: 'aws-sigv4',
        service: auth.service,
        region: t(auth.region, 'region'),
        accessKeyId: t(auth.accessKeyId, 'accessKeyId'),
        secretAccessKey: t(auth.secretAccessKey, 'secretAccessKey'),
        sessionToken: auth.sessionToken === undefined ? undefined : t(auth.sessionToken, 'sessionToken'),
      };
    case 'oauth2':
      return {
        type: 'oauth2',
        tokenUrl: t(auth.tokenUrl, 'tokenUrl', 'url'),
        clientId: t(auth.clientId, 'clientId'),
        clientSecret: t(auth.clientSecret, 'clientSecret'),
        scope: auth.scope,
        clientAuth: auth.clientAuth ?? 'basic',
      };
  }
}

/** Every template of an auth block (for secrets and used parameters). */
export function authTemplates(auth: CompiledAuth | undefined): CompiledTemplate[] {
  if (auth === undefined) return [];
  switch (auth.type) {
    case 'bearer':
      return [auth.token];
    case 'basic':
    case 'digest':
      return [auth.username, auth.password];
    case 'hmac':
      return [auth.key, auth.stringToSign, ...auth.headers.map((h) => h.value)];
    case 'aws-sigv4':
      return [auth.region, auth.accessKeyId, auth.secretAccessKey, ...(auth.sessionToken ? [auth.sessionToken] : [])];
    case 'oauth2':
      return [auth.tokenUrl, auth.clientId, auth.clientSecret];
  }
}
