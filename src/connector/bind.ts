/**
 * Binds an account to a provider: fills defaults, checks that every required value is there,
 * prepares phone-number parameters once, and collects the secrets to mask. Every problem is
 * reported at once, at creation, never at send.
 */
import type { Account } from '../config/account.js';
import { ownValue } from '../config/account-keys.js';
import type { ConfigIssue } from '../errors.js';
import { nonPhonePolicy } from '../numbers/non-phone.js';
import { numberPipeline, prepareNumber, type NumberPipeline } from '../numbers/pipeline.js';
import type { Provider } from '../provider/compile-provider.js';
import { createRedactor, type Credentials, type Redactor } from '../redact.js';
import { RenderError } from '../template/escape.js';
import { renderTemplate } from '../template/render.js';

/** A provider and an account, checked and ready to render requests. */
export interface Binding {
  readonly provider: Provider;
  readonly account: Account;
  /** Account values after defaults and number formatting, by key. */
  readonly values: Readonly<Record<string, string>>;
  readonly pipeline: NumberPipeline;
  readonly redact: Redactor;
  readonly allowInsecureSecrets: boolean;
}

/**
 * Binds as far as the account allows: the binding (a missing or invalid value left out) and the
 * problems, so a caller can check the rest (where secrets go) and report everything at once.
 */
export function bindAll(provider: Provider, account: Account): { binding: Binding; issues: ConfigIssue[] } {
  const pipeline = numberPipeline(provider.numbers, account);
  const values: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, account.values);
  const issues: ConfigIssue[] = [];
  for (const [key, spec] of Object.entries(provider.parameters)) {
    const value = ownValue(values, key) ?? spec.default;
    if (value === undefined || value === '') {
      if (spec.required) issues.push(missing(key, spec.description, provider, account));
      continue;
    }
    if (!spec.phoneNumber) {
      values[key] = value;
      continue;
    }
    // A sender may be allowed to be a name (an alphanumeric sender ID) while recipients stay strict.
    const prepared = prepareNumber(
      value,
      spec.allowNonPhone === undefined ? pipeline : { ...pipeline, allowNonPhone: nonPhonePolicy(spec.allowNonPhone) },
    );
    if (prepared.ok) values[key] = prepared.value;
    else issues.push({ file: account.source, pointer: `/${key}`, message: prepared.message, code: 'NUMBER_INVALID' });
  }
  const secrets = Object.entries(provider.parameters)
    .filter(([, spec]) => spec.secret)
    .map(([key]) => values[key] ?? '');
  const binding = {
    provider,
    account,
    values,
    pipeline,
    redact: createRedactor(secrets, basicCredentials(provider, values)),
    allowInsecureSecrets: provider.allowInsecureSecrets || account.allowInsecureSecrets,
  };
  return { binding, issues };
}

/** The user:password pairs the services send as HTTP Basic (or in a challenge), for masking their base64. */
function basicCredentials(provider: Provider, values: Readonly<Record<string, string>>): Credentials[] {
  const scope = { params: {}, account: values };
  const pairs: Credentials[] = [];
  for (const service of Object.values(provider.services)) {
    const auth = service.auth;
    if (auth === undefined) continue;
    const [user, password] =
      auth.type === 'basic' || auth.type === 'digest'
        ? [auth.username, auth.password]
        : auth.type === 'oauth2'
          ? [auth.clientId, auth.clientSecret]
          : [];
    // Credentials that change per message (they read a service parameter) cannot be known here.
    if (user === undefined || password === undefined || user.params.size > 0 || password.params.size > 0) continue;
    try {
      pairs.push({ username: renderTemplate(user, scope), password: renderTemplate(password, scope) });
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
    }
  }
  return pairs;
}

function missing(key: string, description: string, provider: Provider, account: Account): ConfigIssue {
  const envName = `${provider.id}_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return {
    file: account.source,
    pointer: `/${key}`,
    message: `is required by provider ${provider.id} (${description}) but missing; add "${key}": "…", or "${key}": {"env": "${envName}"} to read it from the environment`,
    code: 'ACCOUNT_MISSING_VALUE',
  };
}
