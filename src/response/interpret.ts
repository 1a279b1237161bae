/**
 * Turns a provider's response into a result (DESIGN §5): success = 2xx and every body condition;
 * message id by pointer; error text from the provider's pointers, else a `message` field, else the
 * first 100 characters of the body; retryable for 408, 429, 502, 503, 504 and declared statuses,
 * and ambiguous for 502 and 504 (see {@link GATEWAY}).
 */
import { STATUS_CODES } from 'node:http';
import type { BodyCondition, ResponseRules } from '../generated/provider.js';
import type { ResultCode } from '../result.js';
import { parseBody, type ParsedBody } from './parse-body.js';
import { findDeep, getPointer, textOf } from './pointer.js';

/** The response as read off the wire. */
export interface ReceivedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly truncated: boolean;
}

/** The verdict on a response. */
export interface Verdict {
  readonly ok: boolean;
  readonly messageId?: string;
  readonly error?: string;
  readonly code?: ResultCode;
  readonly providerCode?: string;
  readonly retryable: boolean;
  /** The message may have reached the provider (a gateway's 502 or 504): retried only where the service is idempotent. */
  readonly ambiguous: boolean;
}

/**
 * Statuses worth sending again. 408 and 429 and 503 say the server did not take the request (it
 * timed out reading it, is throttling, is unavailable): definite. 502 and 504 come from a gateway
 * in front of the provider, which may have handed the message over before the provider's answer
 * failed or was late: see {@link GATEWAY}.
 */
const RETRYABLE = new Set([408, 429, 502, 503, 504]);
/**
 * A gateway's answer: the request may have reached the provider, so the verdict is ambiguous,
 * unless the body carries an error code the provider file declares (then the provider itself
 * answered, and its code says what happened).
 */
const GATEWAY = new Set([502, 504]);
const ACCEPTED: Verdict = Object.freeze({ ok: true, retryable: false, ambiguous: false });
const ERROR_TEXT_LENGTH = 100;

/** Interprets `response` by `rules`. */
export function interpret(response: ReceivedResponse, rules: ResponseRules): Verdict {
  // The common case needs no parsing: accepted, nothing to check, nothing to read an id from.
  if (response.status >= 200 && response.status < 300 && rules.success === undefined && rules.messageId === undefined)
    return ACCEPTED;
  const parsed = parseBody(response.body, response.contentType, rules.format);
  const is2xx = response.status >= 200 && response.status < 300;
  const failed = is2xx ? unmetCondition(parsed, rules.success ?? [], response.truncated) : undefined;
  const messageId = pointerText(parsed, toList(rules.messageId));
  if (is2xx && failed === undefined)
    return messageId === undefined ? ACCEPTED : { ok: true, messageId, retryable: false, ambiguous: false };

  const code: ResultCode = !is2xx ? 'PROVIDER_ERROR' : response.truncated ? 'RESPONSE_TOO_LARGE' : 'PROVIDER_REJECTED';
  let retryable = !is2xx && (RETRYABLE.has(response.status) || (rules.retryableStatus ?? []).includes(response.status));
  let error = errorText(parsed, response, rules) ?? failed ?? statusText(response.status);
  const providerCode =
    rules.errorCodes === undefined ? undefined : pointerText(parsed, toList(rules.errorCodes.pointer));
  const meaning = providerCode === undefined ? undefined : rules.errorCodes?.codes[providerCode];
  if (meaning?.retryable !== undefined) retryable = meaning.retryable;
  // The provider's own words follow the table's, unless they are only the code again.
  if (meaning?.text !== undefined)
    error = error === meaning.text || error === providerCode ? meaning.text : `${meaning.text}: ${error}`;
  const ambiguous = GATEWAY.has(response.status) && meaning === undefined;
  if (ambiguous) error = `${error} (from a gateway: the provider may have received the message)`;
  // No message id on a failure: what a refusal carries there is not the id of a sent message.
  return { ok: false, error, code, retryable, ambiguous, ...(providerCode === undefined ? {} : { providerCode }) };
}

/** The first success condition that does not hold, described; undefined when all hold. */
function unmetCondition(
  parsed: ParsedBody,
  conditions: readonly BodyCondition[],
  truncated: boolean,
): string | undefined {
  if (conditions.length === 0) return undefined;
  if (truncated) return 'the response was larger than the size limit, so its success rules could not be read';
  if (parsed.format === 'text') return parsed.problem ?? 'the response has no JSON or XML body to check';
  for (const condition of conditions) {
    const value = getPointer(parsed.document, condition.pointer);
    if (!conditionHolds(condition, value))
      return `the response's ${condition.pointer} is ${describe(value)}, not the success value`;
  }
  return undefined;
}

function conditionHolds(condition: BodyCondition, value: unknown): boolean {
  const text = textOf(value);
  if (condition.exists !== undefined) return (value !== undefined) === condition.exists;
  if (condition.equals !== undefined) return text === String(condition.equals);
  if (condition.in !== undefined) return condition.in.some((v) => text === String(v));
  if (condition.matches !== undefined) return text !== undefined && pattern(condition.matches).test(text);
  return true;
}

/** Provider patterns, compiled once (they were checked at load). */
const patterns = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let compiled = patterns.get(source);
  if (compiled === undefined) patterns.set(source, (compiled = new RegExp(source)));
  return compiled;
}

function errorText(parsed: ParsedBody, response: ReceivedResponse, rules: ResponseRules): string | undefined {
  const declared = pointerText(parsed, rules.error ?? []);
  if (declared !== undefined) return declared;
  if (parsed.format !== 'text') {
    const message = textOf(
      parsed.format === 'json' ? getPointer(parsed.document, '/message') : findDeep(parsed.document, 'message'),
    );
    if (message !== undefined && message.trim() !== '') return message.trim();
  }
  const raw = response.body.trim();
  return raw === '' ? undefined : Array.from(raw).slice(0, ERROR_TEXT_LENGTH).join('');
}

function pointerText(parsed: ParsedBody, pointers: readonly string[]): string | undefined {
  if (parsed.format === 'text') return undefined;
  for (const pointer of pointers) {
    const text = textOf(getPointer(parsed.document, pointer));
    if (text !== undefined && text.trim() !== '') return text.trim();
  }
  return undefined;
}

function toList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function describe(value: unknown): string {
  const text = textOf(value);
  return text === undefined ? (value === undefined ? 'missing' : 'not a single value') : JSON.stringify(text);
}

function statusText(status: number): string {
  return `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim();
}
