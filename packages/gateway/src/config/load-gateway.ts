/**
 * Loads a gateway file (schemas/gateway.schema.json): validated with the shared Ajv instance,
 * checked for what a schema cannot say, and every user's account or route file loaded, so a
 * gateway that starts can send for every user. Throws ConfigError listing every problem at once.
 */
import { resolveOptOuts } from './opt-out-config.js';
import { dirname, resolve } from 'node:path';
import { loadAccountAndProvider } from 'switchboard/internal/config/load-account.js';
import { parseJson, readText } from 'switchboard/internal/config/read-file.js';
import { validateAgainst } from 'switchboard/internal/config/schemas.js';
import { ConfigError, SwitchboardError, type ConfigIssue } from 'switchboard/internal/errors.js';
import type { GatewayFile } from 'switchboard/internal/generated/gateway.js';
import { loadRoutes } from 'switchboard/internal/routing/load-routes.js';
import { apiKeyIssues } from '../api/check-keys.js';
import { resolveApiKey } from '../api/keys.js';
import { isPasswordNoise, plainPasswords, semanticIssues } from './check-gateway.js';
import {
  DEFAULT_GATEWAY_QUEUE,
  resolveDefaults,
  resolveMedia,
  type DatabaseConfig,
  type GatewayConfig,
  type GatewayQueueConfig,
  type SenderSpec,
} from './gateway-config.js';
import { subscriptionsOf } from '../outbox/subscriptions.js';

/**
 * Loads and checks the gateway file `file` and every account it names.
 * @example const config = await loadGateway('gateway.json');
 */
export async function loadGateway(file: string, env: NodeJS.ProcessEnv = process.env): Promise<GatewayConfig> {
  const parsed = parseJson(await readText(file, 'gateway'), file);
  if ('issue' in parsed) throw new ConfigError([parsed.issue]);
  return gatewayFromValue(parsed.value, file, dirname(resolve(file)), env);
}

/** Validates a parsed gateway file; paths are relative to `baseDir`. */
export async function gatewayFromValue(
  value: unknown,
  label: string,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayConfig> {
  const issues = [...plainPasswords(value, label), ...validateAgainst('gateway', value, label)];
  const plain = issues.some((i) => i.code === 'PLAIN_PASSWORD');
  const shown = plain ? issues.filter((i) => !isPasswordNoise(i)) : issues;
  // Users with a plain password also lack passwordHash; that is the same problem.
  const relevant = shown.filter((i) => !(plain && /^\/users\/\d+\/passwordHash$/.test(i.pointer)));
  const gateway = value as GatewayFile;
  if (relevant.length > 0)
    throw new ConfigError([...relevant, ...(await laterIssues(gateway, label, baseDir, relevant))]);
  const semantic = [...semanticIssues(gateway, label), ...apiKeyIssues(gateway, label)];
  const database = databaseOf(gateway.database, baseDir, env, label, semantic);
  const queue = queueOf(gateway, env, label, semantic);
  const senders = await loadSenders(gateway, baseDir, label, semantic);
  const subscriptions = subscriptionsOf(gateway, env, label, semantic);
  if (semantic.length > 0) throw new ConfigError(semantic);
  return {
    source: label,
    publicUrl: gateway.publicUrl.replace(/\/+$/, ''),
    users: gateway.users.map((user, i) => ({
      login: user.login,
      passwordHash: user.passwordHash,
      numbers: user.numbers,
      sender: senders[i] as SenderSpec,
    })),
    database,
    queue,
    ...resolveDefaults(gateway.push, gateway.limits),
    media: resolveMedia(gateway.media),
    subscriptions,
    apiKeys: (gateway.apiKeys ?? []).map(resolveApiKey),
    optOuts: resolveOptOuts(gateway.optOuts),
  };
}

/**
 * The problems past the schema's (duplicate numbers, https, missing or broken account files) in a
 * file the schema refused, so they show in the same run; none at a place the schema reported.
 */
async function laterIssues(
  gateway: GatewayFile,
  label: string,
  baseDir: string,
  reported: readonly ConfigIssue[],
): Promise<ConfigIssue[]> {
  if (gateway === null || typeof gateway !== 'object' || Array.isArray(gateway)) return [];
  const later = [...semanticIssues(gateway, label), ...apiKeyIssues(gateway, label)];
  if (Array.isArray(gateway.users)) await loadSenders(gateway, baseDir, label, later);
  const under = (issue: ConfigIssue) =>
    reported.some(
      (r) => r.file === issue.file && (issue.pointer === r.pointer || issue.pointer.startsWith(`${r.pointer}/`)),
    );
  return later.filter((i) => !under(i));
}

/** An `{"env": NAME}` value read from `env`; a missing variable is an issue at `pointer`. */
function fromEnv(
  value: string | { env: string },
  env: NodeJS.ProcessEnv,
  label: string,
  pointer: string,
  issues: ConfigIssue[],
): string {
  if (typeof value === 'string') return value;
  const read = env[value.env];
  if (read === undefined || read === '')
    issues.push({
      file: label,
      pointer,
      message: `reads environment variable ${value.env}, which is not set`,
      code: 'ACCOUNT_ENV_MISSING',
    });
  return read ?? '';
}

/** The send queue, which only gateways sharing a PostgreSQL database use. */
function queueOf(
  gateway: GatewayFile,
  env: NodeJS.ProcessEnv,
  label: string,
  issues: ConfigIssue[],
): GatewayQueueConfig | undefined {
  const queue = gateway.queue;
  if (queue === undefined) return undefined;
  if ('sqlite' in gateway.database)
    issues.push({
      file: label,
      pointer: '/queue',
      message:
        'needs a PostgreSQL database: an SQLite file serves one gateway process, which sends without a queue; use {"postgres": …} or remove "queue"',
      code: 'GATEWAY_INVALID',
    });
  return {
    redis: fromEnv(queue.redis, env, label, '/queue/redis', issues),
    name: queue.name ?? DEFAULT_GATEWAY_QUEUE,
    concurrency: queue.concurrency ?? 8,
  };
}

function databaseOf(
  database: GatewayFile['database'],
  baseDir: string,
  env: NodeJS.ProcessEnv,
  label: string,
  issues: ConfigIssue[],
): DatabaseConfig {
  if ('sqlite' in database) return { kind: 'sqlite', file: resolve(baseDir, database.sqlite) };
  return { kind: 'postgres', url: fromEnv(database.postgres, env, label, '/database/postgres', issues) };
}

/** Loads every user's account or route file (each once), adding every problem to `issues`. */
async function loadSenders(
  gateway: GatewayFile,
  baseDir: string,
  label: string,
  issues: ConfigIssue[],
): Promise<SenderSpec[]> {
  const cache = new Map<string, Promise<SenderSpec>>();
  const senders: SenderSpec[] = [];
  for (const [i, user] of gateway.users.entries()) {
    // A user without an account path (in a file the schema refused) has that problem reported.
    if (typeof (user as Partial<typeof user> | null)?.account !== 'string') {
      senders.push(undefined as unknown as SenderSpec);
      continue;
    }
    const path = resolve(baseDir, user.account);
    let loading = cache.get(path);
    if (loading === undefined) {
      loading = loadSender(path, user.account);
      cache.set(path, loading);
    }
    try {
      senders.push(await loading);
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues);
      else if (error instanceof SwitchboardError)
        issues.push({ file: label, pointer: `/users/${i}/account`, message: error.message, code: error.code });
      else throw error;
      senders.push(undefined as unknown as SenderSpec);
    }
  }
  // One account's problems are listed once, however many users share it.
  const unique = issues.filter(
    (a, i) => issues.findIndex((b) => b.file === a.file && b.pointer === a.pointer && b.message === a.message) === i,
  );
  issues.splice(0, issues.length, ...unique);
  return senders;
}

/** A route file has `routes`; anything else is an account. */
async function loadSender(path: string, label: string): Promise<SenderSpec> {
  const text = await readText(path, 'account');
  if (!text.trimStart().startsWith('<')) {
    const parsed = parseJson(text, path);
    if (!('issue' in parsed) && typeof parsed.value === 'object' && parsed.value !== null && 'routes' in parsed.value)
      return { kind: 'routes', label, routes: await loadRoutes(path) };
  }
  const { account, provider } = await loadAccountAndProvider(path);
  if (provider === undefined)
    throw new SwitchboardError('USAGE', `the account ${label} names no provider and defines no web service`);
  return { kind: 'account', label, account, provider };
}
