/**
 * The one path every phone number takes (DESIGN §3): parse → format as the provider asks →
 * the account's rewriting rules → the provider's rewriting rules.
 */
import type { NumberRules, RewritingRule } from '../generated/provider.js';
import { formatNumber, type FormatOutcome } from './format.js';
import { nonPhonePolicy, type NonPhonePolicy } from './non-phone.js';
import { rewriteNumber } from './rewrite.js';

/** Number settings resolved once from the provider and the account. */
export interface NumberPipeline {
  readonly format: NonNullable<NumberRules['format']>;
  readonly defaultCountry: string | undefined;
  /** The shapes of non-phone recipients passed as typed (`allowNonPhone`, resolved). */
  readonly allowNonPhone: NonPhonePolicy;
  /** Rule lists run one after the other, each as its own run: the account's, then the provider's. */
  readonly ruleSets: readonly (readonly RewritingRule[])[];
}

/** Resolves the pipeline settings; the account's country and rules come first. */
export function numberPipeline(
  provider: NumberRules | undefined,
  account: { defaultCountry?: string | undefined; rewriting?: readonly RewritingRule[] | undefined },
): NumberPipeline {
  return {
    format: provider?.format ?? 'E164',
    defaultCountry: account.defaultCountry ?? provider?.defaultCountry,
    allowNonPhone: nonPhonePolicy(provider?.allowNonPhone),
    ruleSets: [account.rewriting ?? [], provider?.rewriting ?? []].filter((rules) => rules.length > 0),
  };
}

/** Runs `typed` through the pipeline. */
export function prepareNumber(typed: string, pipeline: NumberPipeline): FormatOutcome {
  const formatted = formatNumber(typed, pipeline.format, pipeline.defaultCountry, pipeline.allowNonPhone);
  if (!formatted.ok) return formatted;
  return { ok: true, value: pipeline.ruleSets.reduce((n, rules) => rewriteNumber(n, rules), formatted.value) };
}
