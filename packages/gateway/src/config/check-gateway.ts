/**
 * Checks of a gateway file that a schema cannot express: a plain-text password (refused with the
 * command that makes a hash), repeated logins, a number owned twice, credentials over plain http.
 */
import type { ConfigIssue } from 'switchboard/internal/errors.js';
import type { GatewayFile } from 'switchboard/internal/generated/gateway.js';
import { isPasswordHash } from './password.js';

const HASH_HINT =
  'is a plain-text password, which a gateway never stores; run `switchboard gateway hash-password`, put its output in "passwordHash" and delete "password"';

/** Issues for `password` properties, found before the schema runs (so they read as what they are). */
export function plainPasswords(value: unknown, file: string): ConfigIssue[] {
  const users = (value as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return [];
  return users.flatMap((user: unknown, i) =>
    typeof user === 'object' && user !== null && 'password' in user
      ? [{ file, pointer: `/users/${i}/password`, message: HASH_HINT, code: 'PLAIN_PASSWORD' }]
      : [],
  );
}

/** The same-place schema issue ("not a known property") that a plain password also raises. */
export function isPasswordNoise(issue: ConfigIssue): boolean {
  return /^\/users\/\d+\/password$/.test(issue.pointer) && issue.code === 'SCHEMA';
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Issues a schema cannot find. Each check skips a value of the wrong shape (the schema reports
 * it), so the file's other problems show in the same run as its schema problems.
 */
export function semanticIssues(file: GatewayFile, label: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (pointer: string, message: string, code = 'GATEWAY_INVALID') =>
    issues.push({ file: label, pointer, message, code });
  const url = URL.parse(String(file.publicUrl));
  if (url !== null && url.protocol === 'http:' && !LOOPBACK.test(url.hostname))
    at(
      '/publicUrl',
      'must be https:// (the apps send their passwords with every request); put a TLS reverse proxy in front of the gateway',
    );
  const logins = new Map<string, number>();
  const owners = new Map<string, number>();
  (Array.isArray(file.users) ? file.users : []).forEach((user: Partial<GatewayFile['users'][number]> | null, i) => {
    if (user === null || typeof user !== 'object') return;
    const earlier = typeof user.login === 'string' ? logins.get(user.login) : undefined;
    if (earlier !== undefined) at(`/users/${i}/login`, `repeats the login of /users/${earlier}; logins must be unique`);
    else if (typeof user.login === 'string') logins.set(user.login, i);
    if (typeof user.passwordHash === 'string' && !isPasswordHash(user.passwordHash))
      at(`/users/${i}/passwordHash`, 'is not a usable scrypt hash; make one with `switchboard gateway hash-password`');
    (Array.isArray(user.numbers) ? user.numbers : []).forEach((number, j) => {
      const owner = owners.get(number);
      if (owner !== undefined && owner !== i)
        at(`/users/${i}/numbers/${j}`, `is already owned by /users/${owner}; a number belongs to one user`);
      else owners.set(number, i);
    });
  });
  return issues;
}
