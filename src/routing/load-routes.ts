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
  const issues = validateAgainst('routes', parsed.value, file);
  if (issues.length > 0) throw new ConfigError(issues);
  const routeFile = parsed.value as RouteFile;
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
