/**
 * Loads an account: the flat JSON mirror of an Acrobits account (DESIGN §1), or an Acrobits Account
 * XML document as is. `{"env": "NAME"}` values are read from the environment here, once.
 */
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { AccountFile, AccountValue } from '../generated/account.js';
import type { Account } from './account.js';
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

const RESERVED = new Set(['$schema', 'provider', 'defaultCountry', 'rewriting', 'allowInsecureSecrets']);

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
    const { values, rewriting } = readAccountXml(text, source);
    if (options.providerGiven === true && !definesServices(values))
      return plainAccount(rewriting === undefined ? {} : { rewriting }, source, values);
    return acrobitsAccount(values, source, { rewriting });
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
  const issues = validateAgainst('account', value, label);
  if (issues.length > 0) throw new ConfigError(issues);
  const file = value as AccountFile;
  const values: Record<string, string> = {};
  const envIssues: ConfigIssue[] = [];
  for (const [key, raw] of Object.entries(file)) {
    if (RESERVED.has(key)) continue;
    const resolved = resolveValue(raw as AccountValue, env);
    if (resolved === undefined) {
      const name = (raw as { env: string }).env;
      envIssues.push({
        file: label,
        pointer: `/${key}`,
        message: `reads environment variable ${name}, which is not set; export ${name}=… or write the value in the file`,
        code: 'ACCOUNT_ENV_MISSING',
      });
    } else values[key] = resolved;
  }
  if (envIssues.length > 0) throw new ConfigError(envIssues);
  if (file.provider === undefined) {
    if (!definesServices(values)) {
      if (options.providerGiven === true) return plainAccount(file, label, values);
      throw new ConfigError([
        {
          file: label,
          pointer: '/provider',
          message:
            'is missing: name a provider (see `switchboard providers`), or define the web services yourself with genericSmsSendUrl and the other Acrobits keys',
          code: 'SCHEMA',
        },
      ]);
    }
    return acrobitsAccount(values, label, {
      rewriting: file.rewriting,
      defaultCountry: file.defaultCountry,
      allowInsecureSecrets: file.allowInsecureSecrets ?? false,
    });
  }
  const provider = isPath(file.provider) && baseDir !== undefined ? resolve(baseDir, file.provider) : file.provider;
  return plainAccount(file, label, values, provider);
}

/** An account that sends through a catalogue provider (named, or given by the caller). */
function plainAccount(
  file: Pick<AccountFile, 'defaultCountry' | 'rewriting' | 'allowInsecureSecrets'>,
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
  };
}

function resolveValue(value: AccountValue, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof value === 'object') return env[value.env];
  return String(value);
}
