/**
 * One name and value of a form or query, in the order sent. In its own module so that request.ts
 * and read/parse-body.ts both name it without importing each other.
 */
export type Pair = readonly [string, string];
