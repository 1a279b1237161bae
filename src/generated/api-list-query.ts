/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * The query of GET /v1/messages: filters and the page.
 */
export interface ApiListQuery {
  /**
   * Only messages sent (out) or received (in).
   */
  direction?: 'in' | 'out';
  /**
   * Only messages to or from this number (E.164).
   */
  peer?: string;
  /**
   * Only messages of this one of the key's numbers (E.164).
   */
  number?: string;
  /**
   * Only messages the gateway stored at or after this time, RFC 3339 (2026-01-31T12:00:00Z).
   */
  since?: string;
  /**
   * Most messages on the page, 1 to 100. Default 50.
   */
  limit?: number;
  /**
   * The nextCursor of the previous page.
   */
  cursor?: string;
}
