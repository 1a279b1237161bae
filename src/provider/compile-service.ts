/**
 * Compiles one service of a provider file: every template parsed once with its escaping contexts,
 * the response rules checked, and every problem collected with its JSON pointer.
 */
import type { ResponseRules, ServiceSpec } from '../generated/provider.js';
import { bodyTemplates, compileStructuredBody, compileTextBody, type CompiledBody } from '../template/body.js';
import { compileTemplate, templatesHost, type CompiledTemplate, type KnownNames } from '../template/compile.js';
import { DEFAULT_CONTENT_TYPE } from './services.js';
import { authTemplates, compileAuth, type CompiledAuth } from '../auth/compile-auth.js';
import { compileLinearRegex } from '../response/linear-regex.js';

export type { CompiledAuth } from '../auth/compile-auth.js';

/** A service ready to render: everything parsed, nothing left to check per message but values. */
export interface CompiledService {
  readonly url: CompiledTemplate;
  readonly method: string;
  readonly contentType: string;
  readonly body: CompiledBody | undefined;
  readonly headers: readonly { readonly name: string; readonly value: CompiledTemplate }[];
  readonly auth: CompiledAuth | undefined;
  readonly timeout: number | undefined;
  readonly response: ResponseRules;
  /** True when any part of the request reads a secret account value. */
  readonly usesSecret: boolean;
  /** True when the URL's host comes from a placeholder, so its transport is checked per request. */
  readonly hostTemplated: boolean;
  /** Service and global parameter names the request reads. */
  readonly params: ReadonlySet<string>;
  /** A request that may have arrived can be sent again: the provider deduplicates on %message_id%. */
  readonly idempotent: boolean;
}

/** A problem at a JSON pointer relative to the service. */
export interface ServiceProblem {
  pointer: string;
  message: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Compiles `spec`; never throws, returns the problems found. */
export function compileService(
  spec: ServiceSpec,
  known: KnownNames,
): { service: CompiledService; problems: ServiceProblem[] } {
  const problems: ServiceProblem[] = [];
  const template = (source: string, kind: Parameters<typeof compileTemplate>[1], pointer: string) => {
    const result = compileTemplate(source, kind, known);
    for (const message of result.problems) problems.push({ pointer, message });
    return result.template;
  };

  const contentType = spec.contentType ?? DEFAULT_CONTENT_TYPE;
  const body = compileBody(spec, contentType, known, problems);
  const headers = Object.entries(spec.headers ?? {}).map(([name, value]) => {
    if (!TOKEN.test(name))
      problems.push({ pointer: `/headers/${name}`, message: `"${name}" is not a valid header name` });
    if (/[\r\n]/.test(value))
      problems.push({
        pointer: `/headers/${name}`,
        message: 'a header value cannot contain CR or LF (it would inject headers)',
      });
    return { name, value: template(value, 'header', `/headers/${name}`) };
  });
  const auth = compileAuth(spec.auth, known, problems);
  const url = template(spec.url, 'url', '/url');
  checkResponseRules(spec.response ?? {}, problems);

  const templates = [url, ...headers.map((h) => h.value), ...authTemplates(auth), ...bodyTemplates(body)];
  const usesSecret = templates.some((t) => t.usesSecret);
  const hostTemplated = templatesHost(url);
  const params = new Set(templates.flatMap((t) => [...t.params]));
  const service: CompiledService = {
    url,
    method: spec.method ?? (body ? 'POST' : 'GET'),
    contentType,
    body,
    headers,
    auth,
    timeout: spec.timeout,
    response: spec.response ?? {},
    usesSecret,
    hostTemplated,
    params,
    idempotent: spec.idempotent ?? false,
  };
  return { service, problems };
}

function compileBody(
  spec: ServiceSpec,
  contentType: string,
  known: KnownNames,
  problems: ServiceProblem[],
): CompiledBody | undefined {
  if (spec.postData !== undefined && spec.body !== undefined) {
    problems.push({ pointer: '/body', message: 'give either postData (text) or body (structure), not both' });
  }
  if (spec.body !== undefined) {
    const result = compileStructuredBody(spec.body, contentType, known, spec.omitEmpty ?? false);
    for (const p of result.problems) {
      const pointer = p.pointer.startsWith('#omitEmpty') ? `/omitEmpty${p.pointer.slice(10)}` : `/body${p.pointer}`;
      problems.push({ pointer, message: p.message });
    }
    return result.body;
  }
  if (spec.postData === undefined || spec.postData === '') return undefined;
  const result = compileTextBody(spec.postData, contentType, known);
  for (const message of result.problems) problems.push({ pointer: '/postData', message });
  return result.body;
}

function checkResponseRules(rules: ResponseRules, problems: ServiceProblem[]): void {
  if (rules.messageIdPattern !== undefined) {
    const compiled = compileLinearRegex(rules.messageIdPattern);
    if ('problem' in compiled) problems.push({ pointer: '/response/messageIdPattern', message: compiled.problem });
    else if (compiled.groupCount() < 1)
      problems.push({
        pointer: '/response/messageIdPattern',
        message: 'needs a capture group around the id, e.g. "Success \\"([^\\"]+)\\""',
      });
  }
  (rules.success ?? []).forEach((condition, i) => {
    if (condition.matches === undefined) return;
    const compiled = compileLinearRegex(condition.matches);
    if ('problem' in compiled) problems.push({ pointer: `/response/success/${i}/matches`, message: compiled.problem });
  });
}
