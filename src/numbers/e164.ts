/**
 * A fast path for numbers already in E.164 (`+15551231234`), the common case for bulk sends: the
 * possible-length check that `parsePhoneNumber(...).isPossible()` makes, without working out which
 * of the countries sharing a calling code the number belongs to (for +1 that means trying the
 * patterns of some 25 countries). Calling codes are prefix-free, so at most one prefix matches.
 */
import { Metadata } from 'libphonenumber-js';

/** The parts of libphonenumber-js's Metadata this uses (its published types omit them). */
interface CallingCodeMetadata {
  hasCallingCode(code: string): boolean | undefined;
  selectNumberingPlan(code: string): void;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  getCountryCodesForCallingCode(code: string): string[] | undefined;
}

/** What the fast path needs to know of a calling code. */
interface CallingCodeRules {
  readonly lengths: readonly number[];
  /** A national prefix the full parser would strip even after the calling code (+86 0…): such numbers take the slow path. */
  readonly prefix: RegExp | undefined;
}

const metadata = new Metadata() as unknown as CallingCodeMetadata;
const rulesByCode = new Map<string, CallingCodeRules | null>();
const E164 = /^\+[1-9][0-9]{6,14}$/;

/** The rules of a calling code, or null when no country has it. */
function rulesFor(code: string): CallingCodeRules | null {
  let rules = rulesByCode.get(code);
  if (rules === undefined) {
    rules = null;
    if (metadata.hasCallingCode(code)) rules = readRules(code);
    rulesByCode.set(code, rules);
  }
  return rules;
}

/**
 * Lengths every country sharing the code accepts (a full parse judges by the country it detects),
 * and the national prefixes any of them would strip.
 */
function readRules(code: string): CallingCodeRules {
  const plans = metadata.getCountryCodesForCallingCode(code) ?? [];
  let lengths: number[] | undefined;
  const prefixes = new Set<string>();
  for (const plan of plans.length > 0 ? plans : [code]) {
    metadata.selectNumberingPlan(plan);
    const own = metadata.possibleLengths() ?? [];
    lengths = lengths === undefined ? own : lengths.filter((n) => own.includes(n));
    const prefix = metadata.nationalPrefixForParsing();
    if (prefix) prefixes.add(`(?:${prefix})`);
  }
  return {
    lengths: lengths ?? [],
    prefix: prefixes.size > 0 ? new RegExp(`^(?:${[...prefixes].join('|')})`) : undefined,
  };
}

/**
 * True when `text` is an E.164 number that a full parse would keep exactly as it is and find
 * possible. False means "not known here": the caller takes the full parse.
 */
export function isPossibleE164(text: string): boolean {
  if (!E164.test(text)) return false;
  for (let size = 1; size <= 3; size++) {
    const rules = rulesFor(text.slice(1, 1 + size));
    if (rules === null) continue;
    const national = text.slice(1 + size);
    return rules.lengths.includes(national.length) && !(rules.prefix?.test(national) ?? false);
  }
  return false;
}
