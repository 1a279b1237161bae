/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * A page of GET /v1/messages, oldest first.
 */
export interface ApiMessagePage {
  /**
   * The messages of this page.
   */
  messages: ApiMessage[];
  /**
   * Give it as `cursor` (with the same filters) for the next page; absent on the last page. Messages stored later show up on a later call with the last cursor.
   */
  nextCursor?: string;
}
/**
 * A message sent or received through one of the key's numbers.
 */
export interface ApiMessage {
  /**
   * The message's id, for GET /v1/messages/{id}.
   */
  id: string;
  /**
   * out: sent by the gateway; in: received from the provider.
   */
  direction: 'in' | 'out';
  /**
   * The sender: one of the key's numbers when the message went out.
   */
  from: string;
  /**
   * The recipient: one of the key's numbers when the message came in.
   */
  to: string;
  /**
   * The message text.
   */
  text: string;
  /**
   * Where the message is now: received for one that came in; for one sent, the last status of its timeline (queued, sending, sent, ambiguous, failed, delivered, …).
   */
  status: string;
  /**
   * When the gateway took the message, or when the provider says it was received; RFC 3339 in UTC.
   */
  createdAt: string;
  /**
   * The provider's id of the message, once it gave one.
   */
  providerMessageId?: string;
  /**
   * Why a failed or ambiguous message is so.
   */
  error?: {
    /**
     * Switchboard's result code (NUMBER_INVALID, PROVIDER_REJECTED, HTTP_ERROR, …).
     */
    code?: string;
    /**
     * What happened, in the provider's words when it said.
     */
    message: string;
  };
  /**
   * Every status change of a sent message, oldest first (GET /v1/messages/{id} only).
   */
  timeline?: ApiStatusChange[];
}
/**
 * One change of a sent message's status, as the gateway recorded it.
 */
export interface ApiStatusChange {
  /**
   * The status it moved to: queued (waiting to be sent), sending (its request to the provider is going out), sent (the provider took it), ambiguous (no clear answer came back: it may have been sent, and is never sent again), failed (refused, by the gateway or the provider), or a delivery report's status (delivered, undelivered, expired, rejected, read).
   */
  status: string;
  /**
   * When, RFC 3339 in UTC with milliseconds.
   */
  at: string;
  /**
   * What went wrong, in the provider's words when it said, at this change.
   */
  error?: string;
}
