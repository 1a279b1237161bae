/**
 * Sends through routes: the route with the longest prefix matching the recipient, its accounts in
 * order. A send falls back to the next account only after a definite, retryable failure; never
 * after an ambiguous one (it may have arrived) or a final one (another provider would refuse it too).
 */
import { createConnector, type Connector, type OutgoingMessage } from '../connector/connector.js';
import type { ConnectorOptions } from '../connector/options.js';
import type { Limiter } from '../delivery/rate-limiter.js';
import { mapConcurrent } from '../connector/concurrency.js';
import { sharedHooks } from '../connector/gate.js';
import { localFailure } from '../connector/outcomes.js';
import { formatNumber } from '../numbers/format.js';
import type { SendResult } from '../result.js';
import type { LoadedRoutes, RouteTarget } from './load-routes.js';

/** Where a routed result came from. */
export interface RouteTrail {
  /** The account file that gave this result; undefined when no route matched. */
  readonly via: string | undefined;
  /** Earlier tries on this route's accounts, each with why it fell back. */
  readonly fallbacks: readonly {
    readonly via: string;
    readonly code: string | undefined;
    readonly error: string | undefined;
  }[];
}

/** A routed result: which account sent it, and the failures that made it fall back; discriminated by `ok`. */
export type RoutedResult = SendResult & RouteTrail;

/** Sends through a route file. Create with {@link createRouter}. */
export interface Router {
  sendMessage(message: OutgoingMessage): Promise<RoutedResult[]>;
  close(): Promise<void>;
}

/**
 * Whether a failure may be tried on the route's next account: a transient one that certainly did
 * not arrive, or attachments this account's provider cannot take (nothing was sent; the next
 * provider may take them).
 */
export function shouldFallBack(result: SendResult): boolean {
  return !result.ok && ((result.retryable && !result.ambiguous) || result.code === 'MEDIA_NOT_SUPPORTED');
}

/** Options of {@link createRouter}: the connectors' options, and where each account's rate limits are held. */
export type RouterOptions = ConnectorOptions & {
  /** The limiter of one account (shared across processes, say); default the provider's limits in this process. */
  readonly limiterFor?: (target: RouteTarget) => Limiter | undefined;
};

/**
 * Creates a router over loaded routes; connector options (origin, dispatcher, retry, ...) apply to every account,
 * and `optionsFor` adds options of one target's own (the gateway's status callback URL for that account).
 * @example const router = createRouter(await loadRoutes('routes.json')); await router.sendMessage({ to: '+447700900123', body: 'Hi' });
 */
export function createRouter(
  routes: LoadedRoutes,
  options: RouterOptions = {},
  optionsFor: (target: RouteTarget) => ConnectorOptions = () => ({}),
): Router {
  const connectors = new Map<string, Connector>();
  const { limiterFor, ...shared } = options;
  const connectorFor = (target: RouteTarget) => {
    let connector = connectors.get(target.label);
    if (connector === undefined) {
      const limiter = limiterFor?.(target);
      connector = createConnector({
        ...shared,
        ...optionsFor(target),
        ...(limiter === undefined ? {} : { rateLimiter: limiter }),
        account: target.account,
        provider: target.provider,
      });
      connectors.set(target.label, connector);
    }
    return connector;
  };
  // Create every connector now, so a missing value or an insecure URL fails before anything is sent.
  for (const route of routes.routes) for (const target of route.targets) connectorFor(target);

  /** The recipient as the route file's country reads it (E.164 when it is a phone number). */
  const normalize = (to: string) => {
    const formatted = formatNumber(to, 'E164', routes.defaultCountry, true);
    return formatted.ok ? formatted.value : to;
  };
  const routeFor = (e164: string) => {
    let best: (typeof routes.routes)[number] | undefined;
    let bestLength = -1;
    for (const route of routes.routes) {
      for (const prefix of route.prefixes) {
        if (e164.startsWith(prefix) && prefix.length > bestLength) {
          best = route;
          bestLength = prefix.length;
        }
      }
    }
    return best;
  };

  const sendOne = async (message: OutgoingMessage, to: string): Promise<RoutedResult> => {
    const e164 = normalize(to);
    const route = routeFor(e164);
    if (route === undefined) {
      return {
        ...localFailure(to, 'NO_ROUTE', `no route in ${routes.source} serves ${to}`),
        via: undefined,
        fallbacks: [],
      };
    }
    const fallbacks: { via: string; code: string | undefined; error: string | undefined }[] = [];
    let last: RoutedResult | undefined;
    for (const target of route.targets) {
      // The number as routed goes on, so every account reads it alike; the result keeps it as typed.
      const [result] = await connectorFor(target).sendMessage({ ...message, to: e164 });
      last = { ...(result as SendResult), recipient: to, via: target.label, fallbacks: [...fallbacks] };
      if (!shouldFallBack(result as SendResult)) return last;
      fallbacks.push({ via: target.label, code: result?.code, error: result?.error });
    }
    return last as RoutedResult;
  };

  return {
    async sendMessage(given) {
      // The intent is recorded once per message, however many accounts it falls back through.
      const message = sharedHooks(given);
      const recipients = typeof message.to === 'string' ? [message.to] : [...message.to];
      const forRecipient = (i: number) =>
        recipients.length === 1 || message.messageId === undefined
          ? message
          : { ...message, messageId: `${message.messageId}:${i}` };
      return mapConcurrent(recipients, options.concurrency ?? 8, (to, i) => sendOne(forRecipient(i), to));
    },
    async close() {
      await Promise.all([...connectors.values()].map((c) => c.close()));
    },
  };
}
