/**
 * Loads a route file: every account it names is loaded with its provider and checked at load
 * time, so a bad route fails before anything is sent.
 */
import { dirname, resolve } from 'node:path';
import type { Account } from '../config/account.js';
import { loadAccountAndProvider } from '../config/load-account.js';
import { parseJson, readText } from '../config/read-file.js';
import { validateAgainst } from '../config/schemas.js';
import { ConfigError, SwitchboardError } from '../errors.js';
import type { RouteFile } from '../generated/routes.js';
import type { Provider } from '../provider/compile-provider.js';

/** One account of a route, loaded. */
export interface RouteTarget {
  /** The account file, as the route file names it. */
  readonly label: string;
  readonly account: Account;
  readonly provider: Provider;
}

/** A route, loaded: its prefixes and its targets in the order they are tried. */
export interface LoadedRoute {
  readonly prefixes: readonly string[];
  readonly targets: readonly RouteTarget[];
}

/** A route file, loaded. */
export interface LoadedRoutes {
  readonly source: string;
  readonly defaultCountry: string | undefined;
  readonly routes: readonly LoadedRoute[];
}

/**
 * Loads and checks a route file and every account it names.
 * @example const routes = await loadRoutes('routes.json');
 */
export async function loadRoutes(file: string): Promise<LoadedRoutes> {
  const parsed = parseJson(await readText(file, 'route'), file);
  if ('issue' in parsed) throw new ConfigError([parsed.issue]);
  return routesFromValue(parsed.value, file);
}

/**
 * Checks an already parsed route file named `file` and loads every account it names, reporting
 * the problems of every account, not only the first that fails.
 */
export async function routesFromValue(value: unknown, file: string): Promise<LoadedRoutes> {
  const issues = validateAgainst('routes', value, file);
  if (issues.length > 0) throw new ConfigError(issues);
  const routeFile = value as RouteFile;
  const base = dirname(resolve(file));
  const cache = new Map<string, Promise<RouteTarget>>();
  const target = (label: string) => {
    let loaded = cache.get(label);
    if (loaded === undefined) {
      loaded = (async () => {
        const { account, provider } = await loadAccountAndProvider(resolve(base, label));
        if (provider === undefined)
          throw new SwitchboardError(
            'USAGE',
            `the account ${label} in ${file} names no provider and defines no web service`,
          );
        return { label, account, provider };
      })();
      cache.set(label, loaded);
    }
    return loaded;
  };
  // Every account is tried before any failure is thrown, so each one's problems are reported.
  const failures = (
    await Promise.allSettled(
      routeFile.routes.flatMap((r) => r.accounts.map((e) => target(typeof e === 'string' ? e : e.account))),
    )
  ).flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) throw combined(failures, file);
  const routes = await Promise.all(
    routeFile.routes.map(async (route) => {
      const entries = route.accounts.map((entry, index) =>
        typeof entry === 'string' ? { account: entry, priority: undefined, index } : { ...entry, index },
      );
      entries.sort(
        (a, b) =>
          (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER) || a.index - b.index,
      );
      return {
        prefixes: typeof route.prefix === 'string' ? [route.prefix] : route.prefix,
        targets: await Promise.all(entries.map((e) => target(e.account))),
      };
    }),
  );
  return { source: file, defaultCountry: routeFile.defaultCountry, routes };
}

/** One error for several accounts' failures: their config issues together, or the first other error. */
function combined(failures: readonly unknown[], file: string): unknown {
  const issues = failures.flatMap((e) =>
    e instanceof ConfigError
      ? e.issues
      : e instanceof SwitchboardError
        ? [{ file, pointer: '', message: e.message, code: e.code }]
        : [],
  );
  const other = failures.find((e) => !(e instanceof SwitchboardError));
  if (other !== undefined) return other;
  const unique = issues.filter(
    (a, i) => issues.findIndex((b) => b.file === a.file && b.pointer === a.pointer && b.message === a.message) === i,
  );
  return failures.length === 1 ? failures[0] : new ConfigError(unique);
}
