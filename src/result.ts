/** What a send returns, for every outcome a provider or the network can produce. */

/**
 * Stable codes for a failed send. Callers match on these, not on `error` text.
 * - `PROVIDER_ERROR`: the provider answered with a non-2xx status.
 * - `PROVIDER_REJECTED`: 2xx, but the provider's success rules say the message was not accepted.
 * - `RESPONSE_TOO_LARGE`: the body passed the size cap before the success rules could be read.
 * - `RESPONSE_INVALID`: 2xx, but the body lacks what the service returns (messages, a balance, rates).
 * - `NUMBER_INVALID`: the recipient is not a usable phone number; nothing was sent.
 * - `MESSAGE_TOO_LONG`: longer than the provider takes, and its rule says refuse; nothing was sent.
 * - `RENDER_FAILED`: a value cannot stand where its placeholder is; nothing was sent.
 * - `MEDIA_INVALID`: an attachment is malformed (not an https URL, a bad size or type); nothing was sent.
 * - `MEDIA_NOT_SUPPORTED`: the provider or the destination cannot take the attachments, and the
 *   account's mediaFallback is refuse; nothing was sent.
 * - `AUTH_FAILED`: the OAuth2 token could not be had; the message was not sent.
 * - `NETWORK_REFUSED`, `NETWORK_DNS`, `TIMEOUT_CONNECT`: no connection; nothing was sent.
 * - `NETWORK_RESET`, `TIMEOUT_RESPONSE`, `NETWORK_ERROR`: the request may have reached the provider.
 * - `NO_ROUTE`: a route file serves no route for the recipient; nothing was sent.
 * - `RECIPIENT_OPTED_OUT`: the recipient opted out of messages from this sender: refused before any
 *   request (`status` 0: the connector's `suppression` store says so), or the provider answered with
 *   a code its file declares `optedOut` (`providerCode` says which; the opt-out is then recorded).
 */
export type ResultCode =
  | 'PROVIDER_ERROR'
  | 'PROVIDER_REJECTED'
  | 'RESPONSE_TOO_LARGE'
  | 'RESPONSE_INVALID'
  | 'NUMBER_INVALID'
  | 'MESSAGE_TOO_LONG'
  | 'RENDER_FAILED'
  | 'MEDIA_INVALID'
  | 'MEDIA_NOT_SUPPORTED'
  | 'AUTH_FAILED'
  | 'NETWORK_REFUSED'
  | 'NETWORK_DNS'
  | 'TIMEOUT_CONNECT'
  | 'NETWORK_RESET'
  | 'TIMEOUT_RESPONSE'
  | 'NETWORK_ERROR'
  | 'NO_ROUTE'
  | 'RECIPIENT_OPTED_OUT'
  | 'NOT_SENT';

/** The response as received, kept when the connector is asked to (`includeResponse`). */
export interface ResponseRecord {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body was cut at the size cap. */
  readonly truncated: boolean;
}

/** The outcome of one call of a web service. */
export interface CallResult {
  /** The provider accepted the request (and, for services that return data, the data was read). */
  readonly ok: boolean;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** For a failure: text for a person, secrets masked. */
  readonly error?: string;
  /** For a failure: a stable code. */
  readonly code?: ResultCode;
  /** For a failure: the provider's own error code, where its response rules say where to find it. */
  readonly providerCode?: string;
  /** Sending the same request again may succeed (the failure is transient and definite). */
  readonly retryable: boolean;
  /** The request may have reached the provider without an answer; retried only where the service is idempotent. */
  readonly ambiguous: boolean;
  /** From the first request to the result, over every attempt and the waits between them. */
  readonly durationMs: number;
  /** How many requests were made, when it was more than one (retries). */
  readonly attempts?: number;
  /** The provider asked to wait this long before trying again (Retry-After on 429 or 503), in ms. */
  readonly retryAfterMs?: number;
  readonly response?: ResponseRecord;
}

/** What every send result carries, whether it went out or not. */
interface SendFields extends Omit<CallResult, 'ok' | 'error' | 'code' | 'providerCode'> {
  /** The recipient as the caller gave it. */
  readonly recipient: string;
  /** The provider's id for the message, when its response rules name one (the first part's, when split). */
  readonly messageId?: string;
  /** When the provider's length rule split the message: each part's id, in order. */
  readonly partMessageIds?: readonly string[];
}

/** A message the provider accepted. */
export interface SendSuccess extends SendFields {
  readonly ok: true;
  /** Never set on a success; declared so `result.error` reads without narrowing first. */
  readonly error?: undefined;
  /** Never set on a success. */
  readonly code?: undefined;
  /** Never set on a success. */
  readonly providerCode?: undefined;
}

/** A message that was not accepted, or may not have been: `error` and `code` say why. */
export interface SendFailure extends SendFields {
  readonly ok: false;
  /** Text for a person, secrets masked. */
  readonly error: string;
  /** A stable code to match on. */
  readonly code: ResultCode;
  /** The provider's own error code, where its response rules say where to find it. */
  readonly providerCode?: string;
}

/**
 * The outcome of one message to one recipient, discriminated by `ok`: after `if (!result.ok)`,
 * `error` and `code` are there; after `if (result.ok)`, the message was accepted.
 * @example
 * for (const result of await sb.sendMessage({ to: ['+15558675310'], body: 'Hi' }))
 *   if (result.ok) console.log(result.recipient, result.messageId);
 *   else console.error(result.recipient, result.code, result.error);
 */
export type SendResult = SendSuccess | SendFailure;

/** The outcome of a service that returns data: `data` is there when `ok` is. */
export interface DataResult<T> extends CallResult {
  readonly data?: T;
}
