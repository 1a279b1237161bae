/**
 * The push request as data: a body template in the template language of provider files, compiled
 * once, with each value escaped for where it stands (a message text with quotes cannot break the JSON).
 */
import type { ConfigIssue } from 'switchboard/internal/errors.js';
import { compileTextBody, renderBody, type CompiledBody } from 'switchboard/internal/template/body.js';

/** The placeholders a push body may use. */
export const PUSH_PARAMS = [
  'verb',
  'appId',
  'deviceToken',
  'selector',
  'sms_id',
  'sender',
  'stream_id',
  'sms_text',
] as const;

export type PushParams = Record<(typeof PUSH_PARAMS)[number], string>;

/** Compiles the push body; problems are located at `/push/postData` of `file`. */
export function compilePushBody(
  postData: string,
  contentType: string,
  file: string,
): { body: CompiledBody; issues: ConfigIssue[] } {
  const { body, problems } = compileTextBody(postData, contentType, {
    params: PUSH_PARAMS,
    accountKeys: [],
    secrets: new Set(),
  });
  const issues = problems.map((message) => ({ file, pointer: '/push/postData', message, code: 'TEMPLATE_INVALID' }));
  return { body, issues };
}

/** The body of one push. */
export function renderPush(body: CompiledBody, params: PushParams): string {
  return renderBody(body, { params, account: {} });
}
