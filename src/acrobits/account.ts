/** Accounts that define their own web services: Acrobits Account XML, or its flat JSON mirror. */
import type { Account } from '../config/account.js';
import { allOrThrow, gather } from '../config/gather-issues.js';
import type { ConfigIssue } from '../errors.js';
import type { RewritingRule } from '../generated/rewriting.js';
import { readAccountXml } from './account-xml.js';
import { inlineProvider } from './inline-provider.js';
import { unknownKeyWarnings } from './key-warnings.js';

/** An account from Acrobits keys: the values, with the services they define. */
export function acrobitsAccount(
  values: Record<string, string>,
  label: string,
  extra: {
    rewriting?: readonly RewritingRule[] | undefined;
    defaultCountry?: string | undefined;
    allowInsecureSecrets?: boolean;
    origin?: string;
  } = {},
): Account {
  return {
    source: label,
    provider: undefined,
    inlineProvider: inlineProvider(values, label),
    values,
    defaultCountry: extra.defaultCountry,
    rewriting: extra.rewriting,
    allowInsecureSecrets: extra.allowInsecureSecrets ?? false,
    ...(extra.origin === undefined ? {} : { origin: extra.origin }),
    warnings: unknownKeyWarnings(values, label),
  };
}

/**
 * Builds an account, with its inline provider, from Account XML text.
 * @example const account = accountFromXml(await readFile('account.xml', 'utf8'), 'account.xml');
 */
export function accountFromXml(text: string, label: string): Account {
  // Problems in the rules and in the web services are reported together.
  const issues: ConfigIssue[] = [];
  const { values, rewriting } = readAccountXml(text, label, issues);
  return allOrThrow(
    issues,
    gather(issues, () => acrobitsAccount(values, label, { rewriting })),
  );
}
