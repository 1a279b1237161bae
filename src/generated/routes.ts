/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

export type RouteAccount =
  | string
  | {
      /**
       * Path of the account file.
       */
      account: string;
      /**
       * Lower goes first; accounts without one keep their place after those with one.
       */
      priority?: number;
    };

/**
 * Which accounts (and so providers) send to which destinations, in order of priority. A message goes to the route with the longest matching prefix, through its first account; it falls back to the next only after a definite, retryable failure (provider down, 5xx, throttled beyond the retries), never after an ambiguous one or a final error such as an invalid number.
 */
export interface RouteFile {
  /**
   * Path or URL of this schema, so editors can validate and autocomplete the file.
   */
  $schema?: string;
  /**
   * ISO 3166-1 alpha-2 country for recipients typed without a country code, used to match prefixes (which are in E.164, such as +44).
   */
  defaultCountry?: string;
  /**
   * The routes; the one with the longest prefix matching the recipient's E.164 number wins.
   *
   * @minItems 1
   */
  routes: [Route, ...Route[]];
}
export interface Route {
  /**
   * What the route is for.
   */
  description?: string;
  /**
   * E.164 prefix this route serves, e.g. +44 or +1415; an empty string serves every destination.
   */
  prefix: string | [string, ...string[]];
  /**
   * Account files (each naming its provider), tried in order; the first is the primary. A path is relative to this file.
   *
   * @minItems 1
   */
  accounts: [RouteAccount, ...RouteAccount[]];
}
