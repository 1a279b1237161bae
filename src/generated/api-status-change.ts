/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

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
