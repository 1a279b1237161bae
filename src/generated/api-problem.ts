/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * An error, as RFC 9457 problem details (application/problem+json); match on `code`, which stays stable.
 */
export interface ApiProblem {
  /**
   * A URI naming the problem type: about:blank with its code in `code`.
   */
  type: string;
  /**
   * A short summary of the problem type.
   */
  title: string;
  /**
   * The HTTP status code.
   */
  status: number;
  /**
   * The stable code (docs/http-api.md lists them).
   */
  code:
    | 'UNAUTHORIZED'
    | 'NUMBER_NOT_ALLOWED'
    | 'ACCOUNT_NOT_ALLOWED'
    | 'VALIDATION_FAILED'
    | 'INVALID_JSON'
    | 'UNSUPPORTED_MEDIA_TYPE'
    | 'BODY_TOO_LARGE'
    | 'CURSOR_INVALID'
    | 'MESSAGE_NOT_FOUND'
    | 'NOT_FOUND'
    | 'IDEMPOTENCY_KEY_REUSED'
    | 'IDEMPOTENCY_IN_PROGRESS'
    | 'RATE_LIMITED'
    | 'INTERNAL';
  /**
   * What happened in this request, for a person.
   */
  detail?: string;
  /**
   * With VALIDATION_FAILED: every problem found, each located by a JSON Pointer into the body or query.
   */
  errors?: {
    /**
     * Where, as a JSON Pointer (/to/0).
     */
    pointer: string;
    /**
     * What is wrong there.
     */
    message: string;
  }[];
}
