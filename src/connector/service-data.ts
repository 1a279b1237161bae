/**
 * What each web service returns, read from a successful response: messages for Fetch Messages,
 * a balance, rates. The Acrobits formats are the defaults; a provider maps its own with
 * `response.messages` and `response.fields`.
 */
import type { ResponseRules } from '../generated/provider.js';
import type { Received } from '../http/exchange.js';
import type { ServiceName } from '../provider/services.js';
import { excerpt, type Redactor } from '../redact.js';
import { parseBody } from '../response/parse-body.js';
import { acrobitsFields, legacyError, readFields } from '../response/read-fields.js';
import { readMessages } from '../response/read-messages.js';

/** Reads a service's data from a 2xx response, or says what is missing (with secrets masked by `redact`). */
export type DataReader = (
  response: Received,
  rules: ResponseRules,
  redact: Redactor,
) => { data: unknown } | { error: string };

/** A balance, as the Acrobits Balance Checker returns it. */
export interface Balance {
  /** The text to show, e.g. `$60.20`. */
  readonly balanceString: string;
  readonly balance?: number;
  readonly currency?: string;
}

/** Rates for a destination, as the Acrobits Rate Checker returns them. */
export interface Rates {
  readonly callRateString?: string;
  readonly messageRateString?: string;
  readonly smartCallRateString?: string;
  readonly smartMessageRateString?: string;
}

const BALANCE_FIELDS = acrobitsFields(['balanceString', 'balance', 'currency']);
const RATE_FIELDS = acrobitsFields(
  ['callRateString', 'messageRateString', 'smartCallRateString', 'smartMessageRateString'],
  { callRateString: 'rateString' },
);

function documentOf(
  response: Received,
  rules: ResponseRules,
  redact: Redactor,
): { document: unknown } | { error: string } {
  const parsed = parseBody(
    response.body,
    response.contentType,
    rules.format,
    rules.separator === undefined ? {} : { separator: rules.separator },
  );
  if (parsed.format === 'text') {
    if (parsed.problem !== undefined) return { error: redact(parsed.problem) };
    const start = excerpt(redact(response.body, response.truncated), 40);
    return { error: `the response has no JSON or XML body (${start === '' ? 'it is empty' : `it starts "${start}"`})` };
  }
  const legacy = legacyError(parsed.document);
  return legacy === undefined ? { document: parsed.document } : { error: redact(legacy) };
}

const readers: Partial<Record<ServiceName, DataReader>> = {
  fetchMessages(response, rules, redact) {
    const read = documentOf(response, rules, redact);
    if ('error' in read) return read;
    const messages = readMessages(read.document, rules.messages);
    return 'error' in messages ? { error: redact(messages.error) } : messages;
  },
  balanceCheck(response, rules, redact) {
    const read = documentOf(response, rules, redact);
    if ('error' in read) return read;
    const found = readFields(read.document, rules.fields ?? BALANCE_FIELDS);
    if (found.balanceString === undefined) return { error: 'the response has no balanceString' };
    const amount = found.balance === undefined ? Number.NaN : Number(found.balance);
    const balance: Balance = {
      balanceString: found.balanceString,
      ...(Number.isFinite(amount) ? { balance: amount } : {}),
      ...(found.currency === undefined ? {} : { currency: found.currency }),
    };
    return { data: balance };
  },
  rateCheck(response, rules, redact) {
    const read = documentOf(response, rules, redact);
    if ('error' in read) return read;
    const rates: Rates = readFields(read.document, rules.fields ?? RATE_FIELDS);
    if (Object.keys(rates).length === 0)
      return {
        error:
          'the response has none of callRateString, messageRateString, smartCallRateString, smartMessageRateString (or the legacy rateString)',
      };
    return { data: rates };
  },
};

/** The reader for a service, if it returns data. */
export function dataReader(service: ServiceName): DataReader | undefined {
  return readers[service];
}
