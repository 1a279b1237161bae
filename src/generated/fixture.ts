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
  /**
   * Attachments sent with the message (MMS), as the library takes them.
   */
  media?: Attachment[];
}
/**
 * One file sent with a message (a picture, a video, a vCard): providers fetch it by URL, so it must be reachable by the provider. The optional facts let Switchboard check the provider's media rules before sending; the provider checks what it fetches itself.
 */
export interface Attachment {
  /**
   * Where the provider fetches the file: an https:// URL (plain http:// only on a loopback host, for tests and local providers).
   */
  url: string;
  /**
   * The file's MIME type, such as image/jpeg, as the URL serves it; checked against the provider's accepted types.
   */
  contentType?: string;
  /**
   * The file's name as the recipient should see it, for providers that take one.
   */
  filename?: string;
  /**
   * The file's size in bytes; checked against the provider's limits per attachment and per message.
   */
  size?: number;
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
   * Decoded form body; exactly these fields. A key sent several times (MediaUrl for each attachment) has the list of its values, in order.
   */
  form?: {
    [k: string]: string | string[];
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
   * The result's stable code for a failure (PROVIDER_ERROR, PROVIDER_REJECTED, MESSAGE_TOO_LONG, ...). A fixture whose code is MESSAGE_TOO_LONG, NUMBER_INVALID, RENDER_FAILED, MEDIA_INVALID or MEDIA_NOT_SUPPORTED and that gives no request expects none to be sent.
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
