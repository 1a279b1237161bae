/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * One documented webhook request from a provider, exactly as sent (signature included), and what Switchboard must make of it: the normalised events, or the failure. Kept in fixtures/<id>/webhooks/ beside the send fixtures and run by the same harness (`switchboard test`).
 */
export interface WebhookFixture {
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
   * Where in the provider's documentation the request comes from.
   */
  source?: string;
  /**
   * How the signature was made: the provider's own SDK function and version (see providers/fixtures/tools/sign-webhooks.mjs).
   */
  proof?: string;
  /**
   * Account values for the case (never real credentials).
   */
  account: {
    [k: string]: string;
  };
  /**
   * The endpoint the request is sent to; default: chosen as the provider file says.
   */
  endpoint?: string;
  /**
   * The time the request is received at (ISO 8601), for schemes that sign a timestamp. Default: the real clock.
   */
  now?: string;
  request: WebhookFixtureRequest;
  expect: WebhookFixtureExpectation;
}
/**
 * The request as the provider sends it.
 */
export interface WebhookFixtureRequest {
  /**
   * HTTP method.
   */
  method: string;
  /**
   * The full URL the provider called.
   */
  url: string;
  /**
   * Headers by name; an array value is a header sent several times.
   */
  headers: {
    [k: string]: string | string[];
  };
  /**
   * The raw body, exactly as signed.
   */
  body: string;
}
/**
 * What receiving the request must give. Events are compared without their dedupeKey, which the harness checks is stable across a second delivery.
 */
export interface WebhookFixtureExpectation {
  /**
   * Whether the request is verified and read.
   */
  ok: boolean;
  /**
   * The normalised events, in order (DESIGN §9), without dedupeKey.
   */
  events?: {}[];
  /**
   * The provider's types or statuses reported as ignored, in order.
   */
  ignored?: string[];
  /**
   * The failure code, when ok is false.
   */
  code?: string;
  /**
   * The HTTP status answered.
   */
  answerStatus?: number;
}
