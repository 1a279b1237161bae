/**
 * The request as received, and the facts verification and reading need from it: the raw body
 * bytes, the full URL, headers by name (a header sent twice is refused, never guessed between),
 * the URL's query and the form pairs, parsed strictly and only when asked.
 */
import { loneSurrogateAt } from '../template/escape.js';
import { WebhookFailure } from './failure.js';
import type { Pair } from './pair.js';
import { parseForm, parseFormText, parseJsonText, utf8 } from './read/parse-body.js';

/** A request as a framework or a recording gives it. */
export interface WebhookRequest {
  readonly method: string;
  /** The full URL the provider called, scheme and host included (as configured in its console). */
  readonly url: string;
  /** Headers by name (any case); a name with several values may be an array. Or [name, value] pairs. */
  readonly headers:
    Readonly<Record<string, string | readonly string[] | undefined>> | readonly (readonly [string, string])[];
  /** The raw body: bytes, or text (taken as UTF-8). */
  readonly body: Uint8Array | string;
}

/** One name and value, in the order sent (re-exported for the readers and canonicalisers). */
export type { Pair } from './pair.js';

/** The facts of one request, computed once each, and only when asked. */
export class RequestFacts {
  readonly method: string;
  readonly url: string;
  private readonly body: Uint8Array | string;
  private readonly headers = new Map<string, string[]>();
  private bytes: Buffer | undefined;
  private text: string | undefined;
  private parsed: { readonly value: unknown } | undefined;
  private parsedField: { readonly value: unknown } | undefined;
  private formPairs: Pair[] | undefined;
  private queryPairs: Pair[] | undefined;
  private paramPairs: readonly Pair[] | undefined;

  constructor(request: WebhookRequest) {
    this.method = request.method.toUpperCase();
    this.url = request.url;
    this.body = request.body;
    const entries = Array.isArray(request.headers)
      ? (request.headers as readonly (readonly [string, string])[])
      : Object.entries(request.headers as Record<string, string | readonly string[] | undefined>);
    for (const [name, value] of entries) {
      if (value === undefined) continue;
      const key = name.toLowerCase();
      const list = this.headers.get(key) ?? [];
      list.push(...(typeof value === 'string' ? [value] : value));
      this.headers.set(key, list);
    }
  }

  /** The raw body bytes (text given as a string is taken as UTF-8). */
  get rawBody(): Buffer {
    this.bytes ??= typeof this.body === 'string' ? Buffer.from(this.body, 'utf8') : Buffer.from(this.body);
    return this.bytes;
  }

  /** The body's size in bytes, without copying it. */
  get bodyLength(): number {
    return typeof this.body === 'string' ? Buffer.byteLength(this.body, 'utf8') : this.body.byteLength;
  }

  /**
   * The body as text; invalid UTF-8 is malformed. A well-formed string body is used as it is: its
   * UTF-8 bytes decode back to the same string, so nothing is encoded only to be decoded again.
   */
  bodyText(): string {
    if (this.text === undefined)
      this.text = typeof this.body === 'string' && wellFormed(this.body) ? this.body : utf8(this.rawBody, 'body');
    return this.text;
  }

  /** The body parsed as JSON, once however many pieces and fields read it. */
  json(): unknown {
    this.parsed ??= { value: parseJsonText(this.bodyText()) };
    return this.parsed.value;
  }

  /**
   * The JSON document carried as the value of form key `key` (providers that post `data=<JSON>`);
   * a body without the key, with it twice, or with a value that is not JSON is malformed.
   */
  jsonInForm(key: string): unknown {
    if (this.parsedField === undefined) {
      const values = this.form().flatMap(([name, value]) => (name === key ? [value] : []));
      const [text] = values;
      if (text === undefined || values.length > 1)
        throw new WebhookFailure(
          'WEBHOOK_MALFORMED',
          `the form key ${key} that holds the JSON document is ${text === undefined ? 'missing' : 'present twice'}`,
        );
      this.parsedField = { value: parseJsonText(text) };
    }
    return this.parsedField.value;
  }

  /** The header's value, or undefined; a header present twice is a malformed request. */
  header(name: string): string | undefined {
    const values = this.headers.get(name.toLowerCase());
    if (values === undefined || values.length === 0) return undefined;
    if (values.length > 1)
      throw new WebhookFailure('WEBHOOK_MALFORMED', `header ${name} is present ${values.length} times`);
    return values[0];
  }

  /** The body's form pairs in order (strictly decoded). */
  form(): readonly Pair[] {
    this.formPairs ??= parseFormText(this.bodyText(), 'body');
    return this.formPairs;
  }

  /**
   * The parameters, wherever this request carries them: the query of a GET, the top-level scalar
   * values of a JSON object body (numbers and booleans written out), else the body's form pairs.
   */
  params(): readonly Pair[] {
    this.paramPairs ??= this.readParams();
    return this.paramPairs;
  }

  private readParams(): readonly Pair[] {
    if (this.method === 'GET') return this.query();
    if (!(this.header('content-type') ?? '').toLowerCase().includes('json')) return this.form();
    const body = this.json();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
    return Object.entries(body as Record<string, unknown>).flatMap(([k, v]): Pair[] =>
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [[k, String(v)]] : [],
    );
  }

  /** The URL's query pairs in order. */
  query(): readonly Pair[] {
    if (this.queryPairs === undefined) {
      const at = this.url.indexOf('?');
      const end = this.url.indexOf('#');
      const text = at === -1 ? '' : this.url.slice(at + 1, end === -1 ? undefined : end);
      this.queryPairs = wellFormed(text)
        ? parseFormText(text, 'URL query')
        : parseForm(Buffer.from(text, 'utf8'), 'URL query');
    }
    return this.queryPairs;
  }
}

/** The first value of `key` among `pairs`, or undefined. */
export function firstValue(pairs: readonly Pair[], key: string): string | undefined {
  for (const [k, v] of pairs) if (k === key) return v;
  return undefined;
}

/** Whether `text` has no unpaired surrogate, so its UTF-8 bytes decode back to it exactly. */
function wellFormed(text: string): boolean {
  // String.prototype.isWellFormed (Node 20) scans natively; the lib we compile against predates it.
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return native === undefined ? loneSurrogateAt(text) === -1 : native.call(text);
}
