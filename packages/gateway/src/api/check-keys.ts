/** Checks of gateway.json's `apiKeys` that a schema cannot express. */
import type { ConfigIssue } from 'switchboard/internal/errors.js';
import type { GatewayFile } from 'switchboard/internal/generated/gateway.js';
import { isPasswordHash } from '../config/password.js';

/**
 * Issues of the keys: repeated ids, unusable hashes, numbers no user owns, accounts no user sends
 * through. Values of the wrong shape are skipped (the schema reports them).
 */
export function apiKeyIssues(file: GatewayFile, label: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (pointer: string, message: string) =>
    issues.push({ file: label, pointer, message, code: 'GATEWAY_INVALID' });
  const users = Array.isArray(file.users) ? file.users : [];
  const owned = new Set(users.flatMap((u) => (Array.isArray(u?.numbers) ? u.numbers : [])));
  const accounts = new Set(users.map((u) => u?.account));
  const seen = new Map<string, number>();
  (Array.isArray(file.apiKeys) ? file.apiKeys : []).forEach((key, i) => {
    if (key === null || typeof key !== 'object') return;
    const earlier = seen.get(key.id);
    if (earlier !== undefined) at(`/apiKeys/${i}/id`, `repeats the id of /apiKeys/${earlier}; key ids must be unique`);
    else seen.set(key.id, i);
    if (typeof key.hash === 'string' && !isPasswordHash(key.hash))
      at(`/apiKeys/${i}/hash`, 'is not a usable scrypt hash; make a key with `switchboard gateway api-key create`');
    (Array.isArray(key.numbers) ? key.numbers : []).forEach((number, j) => {
      if (!owned.has(number))
        at(`/apiKeys/${i}/numbers/${j}`, 'is not a number of any user; a key sends from users’ numbers');
    });
    (Array.isArray(key.accounts) ? key.accounts : []).forEach((account, j) => {
      if (!accounts.has(account))
        at(`/apiKeys/${i}/accounts/${j}`, 'is not the account of any user (write it as the users’ "account" does)');
    });
  });
  return issues;
}
