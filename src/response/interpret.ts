/**
 * Turns a provider's response into a result (DESIGN §5): success = 2xx and every body condition;
 * message id by pointer; error text from the provider's pointers, else a `message` field, else the
 * first 100 characters of the body; retryable for 408, 429, 502, 503, 504 and declared statuses,
 * and ambiguous for 502 and 504 (see {@link GATEWAY}).
 * The error text is masked here, before it is cut: a secret crossing the cut would show its start.
 */
import { STATUS_CODES } from 'node:http';
import type { BodyCondition, ErrorCodeMeaning, JoinedErrorText, ResponseRules } from '../generated/provider.js';
import { excerpt, type Redactor } from '../redact.js';
import type { ResultCode } from '../result.js';
import { parseBody, readsAttributes, type ParsedBody } from './parse-body.js';
import { findDeep, getPointer, textOf } from './pointer.js';
import { firstGroup, linearRegex } from './linear-regex.js';

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

/** Interprets `response` by `rules`; `redact` masks the secrets in the error text it quotes. */
export function interpret(response: ReceivedResponse, rules: ResponseRules, redact: Redactor): Verdict {
  // The common case needs no parsing: accepted, nothing to check, nothing to read an id from.
  if (
    response.status >= 200 &&
    response.status < 300 &&
    rules.success === undefined &&
    rules.messageId === undefined &&
    rules.messageIdPattern === undefined
  )
    return ACCEPTED;
  const parsed = parseBody(response.body, response.contentType, rules.format, {
    attributes: readsAttributes(rules),
    ...(rules.separator === undefined ? {} : { separator: rules.separator }),
  });
  const is2xx = response.status >= 200 && response.status < 300;
  const failed = is2xx ? unmetCondition(parsed, rules.success ?? [], response.truncated) : undefined;
  const messageId = messageIdOf(parsed, response.body, rules);
  if (is2xx && failed === undefined)
    return messageId === undefined ? ACCEPTED : { ok: true, messageId, retryable: false, ambiguous: false };

  let code: ResultCode = !is2xx ? 'PROVIDER_ERROR' : response.truncated ? 'RESPONSE_TOO_LARGE' : 'PROVIDER_REJECTED';
  let retryable = !is2xx && (RETRYABLE.has(response.status) || (rules.retryableStatus ?? []).includes(response.status));
  const words = errorText(parsed, response, rules, redact) ?? (failed === undefined ? undefined : redact(failed));
  let error = words ?? statusText(response.status);
  const providerCode =
    rules.errorCodes?.pointer === undefined ? undefined : pointerText(parsed, toList(rules.errorCodes.pointer));
  const meaning = meaningOf(rules, providerCode, is2xx ? undefined : response.status);
  if (meaning?.retryable !== undefined) retryable = meaning.retryable;
  // The recipient asked this sender for no more messages: never worth sending again.
  if (meaning?.optedOut === true) [code, retryable] = ['RECIPIENT_OPTED_OUT', false];
  // The provider's own words follow the table's, unless they are only the code again (or there are none).
  if (meaning?.text !== undefined)
    error =
      words === undefined || error === meaning.text || error === providerCode
        ? meaning.text
        : `${meaning.text}: ${error}`;
  // A code the provider's table knows, found in the body, shows the provider itself answered; a
  // meaning given only to the status does not.
  const fromProvider = providerCode !== undefined && rules.errorCodes?.codes?.[providerCode] !== undefined;
  const ambiguous = GATEWAY.has(response.status) && !fromProvider;
  if (ambiguous) error = `${error} (from a gateway: the provider may have received the message)`;
  // No message id on a failure: what a refusal carries there is not the id of a sent message.
  return { ok: false, error, code, retryable, ambiguous, ...(providerCode === undefined ? {} : { providerCode }) };
}

/** The meaning of the body's code when the table lists it, else of the failed HTTP status when listed. */
function meaningOf(
  rules: ResponseRules,
  providerCode: string | undefined,
  failedStatus: number | undefined,
): ErrorCodeMeaning | undefined {
  const table = rules.errorCodes;
  if (table === undefined) return undefined;
  const byCode = providerCode === undefined ? undefined : table.codes?.[providerCode];
  if (byCode !== undefined) return byCode;
  return failedStatus === undefined ? undefined : table.statuses?.[String(failedStatus)];
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
    const [pointer, value] = conditionValue(parsed.document, condition.pointer);
    if (!conditionHolds(condition, value))
      return `the response's ${pointer} is ${describe(value)}, not the success value`;
  }
  return undefined;
}

/** The pointer and value a condition tests: its pointer's, or the first of its pointers that finds one. */
function conditionValue(document: unknown, pointers: BodyCondition['pointer']): [string, unknown] {
  const list = toList(pointers);
  for (const pointer of list) {
    const value = getPointer(document, pointer);
    if (value !== undefined) return [pointer, value];
  }
  return [list.join(' or '), undefined];
}

function conditionHolds(condition: BodyCondition, value: unknown): boolean {
  const text = textOf(value);
  if (condition.exists !== undefined) return (value !== undefined) === condition.exists;
  if (condition.equals !== undefined) return text === String(condition.equals);
  if (condition.in !== undefined) return condition.in.some((v) => text === String(v));
  if (condition.notIn !== undefined) return text !== undefined && !condition.notIn.some((v) => text === String(v));
  if (condition.matches !== undefined) return text !== undefined && linearRegex(condition.matches).test(text);
  return true;
}

function errorText(
  parsed: ParsedBody,
  response: ReceivedResponse,
  rules: ResponseRules,
  redact: Redactor,
): string | undefined {
  for (const entry of rules.error ?? []) {
    const declared = typeof entry === 'string' ? pointerText(parsed, [entry]) : joinedText(parsed, entry);
    if (declared !== undefined) return redact(declared);
  }
  if (parsed.format !== 'text') {
    const message = textOf(
      parsed.format === 'json' ? getPointer(parsed.document, '/message') : findDeep(parsed.document, 'message'),
    );
    if (message !== undefined && message.trim() !== '') return redact(message.trim());
  }
  const raw = response.body.trim();
  return raw === '' ? undefined : excerpt(redact(raw, response.truncated), ERROR_TEXT_LENGTH);
}

/** The present parts of a joined error text, each once, joined by its separator; undefined when none is. */
function joinedText(parsed: ParsedBody, rule: JoinedErrorText): string | undefined {
  const parts: string[] = [];
  for (const pointer of rule.join) {
    const part = pointerText(parsed, [pointer]);
    if (part !== undefined && !parts.includes(part)) parts.push(part);
  }
  if (parts.length === 0) return undefined;
  const separator = rule.separator ?? ': ';
  // A part that ends a sentence already ("…credentials.") is followed by a space, not ".: ".
  return parts.reduce((text, part) => text + (/[.!?:]$/.test(text) ? ' ' : separator) + part);
}

/**
 * The provider's id: the text at the messageId pointer, or with messageIdPattern the pattern's
 * first group in that text (or in the whole body, for a body that is not JSON or XML).
 */
function messageIdOf(parsed: ParsedBody, body: string, rules: ResponseRules): string | undefined {
  const pattern = rules.messageIdPattern;
  if (pattern === undefined) return pointerText(parsed, toList(rules.messageId));
  const text =
    rules.messageId === undefined
      ? parsed.format === 'text'
        ? body
        : undefined
      : pointerText(parsed, toList(rules.messageId));
  const id = text === undefined ? undefined : firstGroup(pattern, text)?.trim();
  return id === '' ? undefined : id;
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
