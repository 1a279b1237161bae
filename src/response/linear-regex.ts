/**
 * The regular expressions a provider file may hold (`success[].matches`), compiled for RE2's
 * linear-time matcher (the pure-JS port re2js) rather than JavaScript's backtracking one, where
 * `^(a+)+$` takes seconds on 28 characters. Matching time grows with the text's length times the
 * pattern's program size, never exponentially; the program size is capped so that product stays
 * small. What RE2 cannot match in linear time (lookahead, lookbehind, backreferences) is refused.
 */
import { RE2JS } from 're2js';

/** Largest compiled program accepted: far above any real check (`^(queued|sent)$` is ~20). */
export const MAX_PROGRAM_SIZE = 2000;

/** A compiled pattern: `test` is an unanchored search, like RegExp.prototype.test. */
export interface LinearRegex {
  test(text: string): boolean;
  /** Capture groups in the pattern (the whole match not counted). */
  groupCount(): number;
  matcher(text: string): { find(): boolean; group(group?: number): string | null };
}

/** Compiles `source` (JavaScript syntax); returns why it cannot be matched in linear time instead. */
export function compileLinearRegex(source: string): LinearRegex | { problem: string } {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    return {
      problem: `cannot be matched in linear time by RE2 (${reason}); lookahead, lookbehind and backreferences are not available`,
    };
  }
  const size = compiled.matcher('').programSize();
  if (size > MAX_PROGRAM_SIZE)
    return {
      problem: `is too large (compiles to ${size} steps, at most ${MAX_PROGRAM_SIZE}); write a shorter pattern`,
    };
  return compiled;
}

const cache = new Map<string, LinearRegex>();

/** The compiled pattern for `source`, compiled once; it was checked at load, so a refusal here is a bug. */
export function linearRegex(source: string): LinearRegex {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    const result = compileLinearRegex(source);
    if ('problem' in result) throw new Error(`pattern ${JSON.stringify(source)} ${result.problem}`);
    cache.set(source, (compiled = result));
  }
  return compiled;
}

/** The first capture group of the first match of `source` in `text`; undefined without a match. */
export function firstGroup(source: string, text: string): string | undefined {
  const matcher = linearRegex(source).matcher(text);
  return matcher.find() ? (matcher.group(1) ?? undefined) : undefined;
}
