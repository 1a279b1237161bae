/**
 * Loads an account: the flat JSON mirror of an Acrobits account (DESIGN §1), or an Acrobits Account
 * XML document as is. `{"env": "NAME"}` values are read from the environment here, once.
 */
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { allOrThrow, gather } from './gather-issues.js';
import type { AccountFile, AccountValue } from '../generated/account.js';
import type { Account } from './account.js';
import { isReservedKey, reservedKeyIssue } from './account-keys.js';
import { acrobitsAccount } from '../acrobits/account.js';
import { readAccountXml } from '../acrobits/account-xml.js';
import { definesServices } from '../acrobits/inline-provider.js';
import { isPath, loadProvider } from './load-provider.js';
import type { Provider } from '../provider/compile-provider.js';
import { parseJson, readText } from './read-file.js';
import { validateAgainst } from './schemas.js';

/**
 * Loads the account in `file` and the provider to send through: `providerRef` (a built-in id or a
 * path) when given, else the one the account names, else the account's own web service (an
 * Acrobits account). `provider` is undefined only when the account has none of these.
 */
export async function loadAccountAndProvider(
  file: string,
  providerRef?: string,
): Promise<{ account: Account; provider: Provider | undefined }> {
  // A provider given here stands in for the account's, so an account that names none is complete.
  const account = await loadAccount(file, process.env, { providerGiven: providerRef !== undefined });
  const ref = providerRef ?? account.provider;
  return { account, provider: ref === undefined ? account.inlineProvider : await loadProvider(ref) };
}

const RESERVED = new Set([
  '$schema',
  'provider',
  'defaultCountry',
  'rewriting',
  'allowInsecureSecrets',
  'origin',
  'mediaFallback',
]);

/** How an account is read. */
export interface AccountLoadOptions {
  /**
   * The caller sends through a provider of its own choosing (`--provider`), so an account that names
   * no provider and defines no web service is still complete.
   */
  readonly providerGiven?: boolean;
}

/**
 * Loads an account from a file (JSON or Acrobits Account XML, told apart by content) or from an
 * object in code. Throws ConfigError with every problem.
 * @example const account = await loadAccount('acme.account.json');
 */
export async function loadAccount(
  source: string | AccountFile,
  env: NodeJS.ProcessEnv = process.env,
  options: AccountLoadOptions = {},
): Promise<Account> {
  if (typeof source !== 'string') return accountFromValue(source, 'account', undefined, env, options);
  const text = await readText(source, 'account');
  if (text.trimStart().startsWith('<')) {
    const issues: ConfigIssue[] = [];
    const { values, rewriting } = readAccountXml(text, source, issues);
    if (options.providerGiven === true && !definesServices(values))
      return allOrThrow(issues, plainAccount(rewriting === undefined ? {} : { rewriting }, source, values));
    return allOrThrow(
      issues,
      gather(issues, () => acrobitsAccount(values, source, { rewriting })),
    );
  }
  // JSON: the flat mirror of Account XML, naming a provider or defining its own web services.
  const parsed = parseJson(text, source);
  if ('issue' in parsed) throw new ConfigError([parsed.issue]);
  return accountFromValue(parsed.value, source, dirname(resolve(source)), env, options);
}

/** Validates a parsed JSON account and resolves its values. */
export function accountFromValue(
  value: unknown,
  label: string,
  baseDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: AccountLoadOptions = {},
): Account {
  // Schema problems do not stop the other checks: the keys they are about are left out of those.
  const issues = validateAgainst('account', value, label);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(issues);
  const broken = new Set(issues.map((i) => i.pointer.split('/')[1] ?? ''));
  const file = value as AccountFile;
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, raw] of Object.entries(file)) {
    if (RESERVED.has(key) || broken.has(key)) continue;
    if (isReservedKey(key)) {
      issues.push(reservedKeyIssue(key, label, `/${key}`));
      continue;
    }
    const resolved = resolveValue(raw as AccountValue, env);
    if (resolved === undefined) {
      const name = (raw as { env: string }).env;
      issues.push({
        file: label,
        pointer: `/${key}`,
        message: `reads environment variable ${name}, which is not set; export ${name}=… or write the value in the file`,
        code: 'ACCOUNT_ENV_MISSING',
      });
    } else values[key] = resolved;
  }
  const rewriting = broken.has('rewriting') ? undefined : file.rewriting;
  if (broken.has('provider')) throw new ConfigError(issues);
  if (file.provider === undefined) {
    if (!definesServices(values)) {
      if (options.providerGiven === true) return allOrThrow(issues, plainAccount(file, label, values));
      throw new ConfigError([
        ...issues,
        {
          file: label,
          pointer: '/provider',
          message:
            'is missing: name a provider (see `switchboard providers`), or define the web services yourself with genericSmsSendUrl and the other Acrobits keys',
          code: 'SCHEMA',
        },
      ]);
    }
    const account = gather(issues, () =>
      acrobitsAccount(values, label, {
        rewriting,
        defaultCountry: broken.has('defaultCountry') ? undefined : file.defaultCountry,
        allowInsecureSecrets: file.allowInsecureSecrets === true,
        ...(file.origin === undefined ? {} : { origin: file.origin }),
      }),
    );
    if (account !== undefined && file.mediaFallback !== undefined && !broken.has('mediaFallback'))
      return allOrThrow(issues, { ...account, mediaFallback: file.mediaFallback });
    return allOrThrow(issues, account);
  }
  const provider = isPath(file.provider) && baseDir !== undefined ? resolve(baseDir, file.provider) : file.provider;
  return allOrThrow(issues, plainAccount(file, label, values, provider));
}

/** An account that sends through a catalogue provider (named, or given by the caller). */
function plainAccount(
  file: Pick<AccountFile, 'defaultCountry' | 'rewriting' | 'allowInsecureSecrets' | 'origin' | 'mediaFallback'>,
  label: string,
  values: Record<string, string>,
  provider?: string,
): Account {
  return {
    source: label,
    provider,
    inlineProvider: undefined,
    values,
    defaultCountry: file.defaultCountry,
    rewriting: file.rewriting,
    allowInsecureSecrets: file.allowInsecureSecrets ?? false,
    ...(file.origin === undefined ? {} : { origin: file.origin }),
    ...(file.mediaFallback === undefined ? {} : { mediaFallback: file.mediaFallback }),
    warnings: [],
  };
}

function resolveValue(value: AccountValue, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof value === 'object') return env[value.env];
  return String(value);
}
