/**
 * What sends for each user and sending number: the user's account (or route file) with its `from`
 * replaced by the number, made once and reused (one keep-alive pool each).
 */
import type { Account } from 'switchboard/internal/config/account.js';
import { createConnector, type OutgoingMessage } from 'switchboard/internal/connector/connector.js';
import type { ConnectorOptions } from 'switchboard/internal/connector/options.js';
import type { Limiter } from 'switchboard/internal/delivery/rate-limiter.js';
import type { Provider } from 'switchboard/internal/provider/compile-provider.js';
import type { SendResult } from 'switchboard/internal/result.js';
import { createRouter } from 'switchboard/internal/routing/router.js';
import type { GatewayUserConfig, SenderSpec } from '../config/gateway-config.js';
import type { StatusCallbackOf } from '../webhooks/status-callback.js';

/** Sends one message to one recipient. */
export type SendOne = (message: OutgoingMessage) => Promise<SendResult>;

/** The senders of a gateway. */
export interface Senders {
  /** The sender for `user` sending from `number` (one of theirs). */
  forUser(user: GatewayUserConfig, number: string): SendOne;
  close(): Promise<void>;
}

function withFrom(account: Account, from: string): Account {
  return { ...account, values: { ...account.values, from } };
}

/** `options` with the account's status callback URL, when it has one. */
function withCallback(options: ConnectorOptions, callbackOf: StatusCallbackOf, account: Account): ConnectorOptions {
  const statusCallback = callbackOf(account);
  return statusCallback === undefined ? options : { ...options, statusCallback };
}
/** Where the rate limits of an account (its file as the gateway file names it) are held. */
export type LimiterFor = (provider: Provider, account: string) => Limiter | undefined;

function create(
  spec: SenderSpec,
  from: string,
  options: ConnectorOptions,
  callbackOf: StatusCallbackOf,
  limiterFor: LimiterFor | undefined,
): { send: SendOne; close(): Promise<void> } {
  if (spec.kind === 'account') {
    const limiter = limiterFor?.(spec.provider, spec.label);
    const connector = createConnector({
      ...withCallback(options, callbackOf, spec.account),
      ...(limiter === undefined ? {} : { rateLimiter: limiter }),
      account: withFrom(spec.account, from),
      provider: spec.provider,
    });
    return { send: (m) => connector.sendMessage(m).then(([r]) => r as SendResult), close: () => connector.close() };
  }
  const routes = {
    ...spec.routes,
    routes: spec.routes.routes.map((route) => ({
      ...route,
      targets: route.targets.map((t) => ({ ...t, account: withFrom(t.account, from) })),
    })),
  };
  const router = createRouter(
    routes,
    {
      ...options,
      ...(limiterFor === undefined ? {} : { limiterFor: (t) => limiterFor(t.provider, t.label) }),
    },
    (target) => withCallback({}, callbackOf, target.account),
  );
  return { send: (m) => router.sendMessage(m).then(([r]) => r as SendResult), close: () => router.close() };
}

/**
 * Creates the senders; `options` (origin, dispatcher, timeouts, retry) apply to every connector,
 * `callbackOf` gives each account's status callback URL (the gateway's own webhook URL for it), and
 * `limiterFor` (when given) holds each account's rate limits, e.g. in Redis for every process.
 * Each is created on first use and checked then; the gateway creates them all at start, so a
 * missing value fails before the first request.
 */
export function createSenders(
  options: ConnectorOptions = {},
  callbackOf: StatusCallbackOf = () => undefined,
  limiterFor?: LimiterFor,
): Senders {
  const made = new Map<string, { send: SendOne; close(): Promise<void> }>();
  return {
    forUser(user, number) {
      const key = `${user.sender.label}\0${number}`;
      let sender = made.get(key);
      if (sender === undefined) {
        sender = create(user.sender, number, options, callbackOf, limiterFor);
        made.set(key, sender);
      }
      return sender.send;
    },
    async close() {
      await Promise.all([...made.values()].map((s) => s.close()));
      made.clear();
    },
  };
}
