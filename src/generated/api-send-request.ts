/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * The body of POST /v1/messages: one text from one of the key's numbers to one or more recipients; each recipient gets a message of its own.
 */
export interface ApiSendRequest {
  /**
   * The sending number, in E.164; one of the API key's numbers.
   */
  from: string;
  /**
   * The recipients, in E.164, at most 100; a message is sent to each.
   *
   * @minItems 1
   * @maxItems 100
   */
  to: [string, ...string[]];
  /**
   * The message text, at most 1600 characters (the provider may split it into several SMS).
   */
  text: string;
}
