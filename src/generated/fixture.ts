/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * One documented exchange with a provider: the message sent, the exact request the provider expects, the response its documentation shows, and the result Switchboard must return. Run by `switchboard test` and the test suite against a local server.
 */
export type ProviderFixture = {
  [k: string]: unknown;
} & {
  /**
   * Path or URL of this schema.
   */
  $schema?: string;
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * What this case shows, as a sentence.
   */
  description: string;
  /**
   * Where in the provider's documentation the request or response comes from.
   */
  source?: string;
  /**
   * Account values for the case (never real credentials).
   */
  account: {
    [k: string]: string;
  };
  /**
   * The web service called; default sendMessage (which takes `message`). Other services take `params`.
   */
  service?: 'sendMessage' | 'fetchMessages' | 'balanceCheck' | 'rateCheck' | 'pushTokenReporter';
  /**
   * Parameters of a service other than sendMessage, by name (last_known_sms_id, targetNumber, ...).
   */
  params?: {
    [k: string]: string;
  };
  message?: FixtureMessage;
  request?: FixtureRequest;
  response: FixtureResponse;
  result: FixtureResult;
};

/**
 * The message sent.
 */
export interface FixtureMessage {
  /**
   * Recipient as the user types it.
   */
  to: string;
  /**
   * Message text.
   */
  body: string;
}
/**
 * What the provider must receive. Only the parts given are compared.
 */
export interface FixtureRequest {
  /**
   * HTTP method.
   */
  method?: string;
  /**
   * Path without the query string, percent-encoded as sent.
   */
  path?: string;
  /**
   * Decoded query parameters; all must be present with these values and no others.
   */
  query?: {
    [k: string]: string;
  };
  /**
   * Headers that must be present, by lower-case name.
   */
  headers?: {
    [k: string]: string;
  };
  /**
   * Decoded form body; exactly these fields.
   */
  form?: {
    [k: string]: string;
  };
  /**
   * The JSON body, compared after parsing.
   */
  json?: {
    [k: string]: unknown;
  };
  /**
   * The raw body, compared as text.
   */
  text?: string;
}
/**
 * What the local server answers.
 */
export interface FixtureResponse {
  /**
   * HTTP status.
   */
  status: number;
  /**
   * Response headers.
   */
  headers?: {
    [k: string]: string;
  };
  /**
   * Response body: text as is, or any other JSON value serialised as JSON.
   */
  body?: {
    [k: string]: unknown;
  };
}
/**
 * The fields the send result must have.
 */
export interface FixtureResult {
  /**
   * Whether the send succeeded.
   */
  ok: boolean;
  /**
   * HTTP status in the result.
   */
  status?: number;
  /**
   * The provider's message id.
   */
  messageId?: string;
  /**
   * The error text shown to the user.
   */
  error?: string;
  /**
   * The result's stable code for a failure (PROVIDER_ERROR, PROVIDER_REJECTED, MESSAGE_TOO_LONG, ...). A fixture whose code is MESSAGE_TOO_LONG, NUMBER_INVALID or RENDER_FAILED and that gives no request expects none to be sent.
   */
  code?: string;
  /**
   * Whether the failure is worth retrying.
   */
  retryable?: boolean;
  /**
   * What the service returns (messages, balance, rates), compared as JSON: dates as ISO 8601 text.
   */
  data?: {
    [k: string]: unknown;
  };
}
