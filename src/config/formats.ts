/**
 * The string formats the schemas use beyond JSON Schema's own, shared by the validators compiled
 * at run time and those compiled when the package is built (schemas/compile-validators.mjs).
 */

/** Whether `source` is a JavaScript regular expression. */
function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** Ajv format definitions by name. */
export const FORMATS = { regex: { validate: isRegex } } as const;
