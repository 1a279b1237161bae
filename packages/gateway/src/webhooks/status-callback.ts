/**
 * The status callback URL the gateway hands each connector (the connector option `statusCallback`),
 * for providers whose send template carries `%status_callback_url%`: the gateway's own public URL
 * of the account's status endpoint, so a delivery report comes back to the gateway with our message
 * id (`sb=`) and updates the sent message, whatever URL the provider's console holds. A provider
 * that signs nothing is verified by a secret in the URL; the callback then carries it, since the
 * provider can only send back the URL it was given.
 */
import type { Account } from 'switchboard/internal/config/account.js';
import type { WebhookEndpoint, WebhookVerify } from 'switchboard/internal/generated/provider.js';
import type { Provider } from 'switchboard/internal/provider/compile-provider.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { receiverOf, webhookAccounts, webhookUrls, type WebhookAccount } from './accounts.js';

/** Gives the status callback URL for an account (by its file), or undefined when it gets none. */
export type StatusCallbackOf = (account: Account) => string | undefined;

/**
 * The status callback of every provider account of `config` that can use one: its provider's send
 * template holds `%status_callback_url%`, an endpoint reads status events, and the account has what
 * verifying it needs (an endpoint is never served unauthenticated, so a URL to it would be refused).
 */
export function statusCallbacks(config: GatewayConfig): StatusCallbackOf {
  const urls = new Map<string, string>();
  for (const account of webhookAccounts(config)) {
    const url = callbackOf(config, account);
    if (url !== undefined) urls.set(account.account.source, url);
  }
  return (account) => urls.get(account.source);
}

function callbackOf(config: GatewayConfig, account: WebhookAccount): string | undefined {
  if (!usesCallback(account.provider)) return undefined;
  const endpoints = account.provider.definition.webhooks?.endpoints ?? {};
  const name = account.endpoints.find((n) => readsStatus(endpoints[n]));
  const endpoint = name === undefined ? undefined : endpoints[name];
  if (name === undefined || endpoint === undefined || !('receiver' in receiverOf(account))) return undefined;
  const base = webhookUrls(config, account).find((u) => u.endpoint === name)?.url;
  if (base === undefined) return undefined;
  return securedUrl(base, endpoint.verify, account.account);
}

function usesCallback(provider: Provider): boolean {
  return provider.services.sendMessage?.params.has('status_callback_url') === true;
}

function readsStatus(endpoint: WebhookEndpoint | undefined): boolean {
  if (endpoint === undefined) return false;
  const { event, events } = endpoint.read;
  return event?.kind === 'status' || Object.values(events ?? {}).some((e) => e.kind === 'status');
}

/**
 * `base` made to pass `verify` for this account: with the first URL secret the account has a value
 * for (alone or among `anyOf`), else with Basic credentials in the URL (what providers without
 * signatures may ask for), else as it is (a signed provider). Only `%account[KEY]%` templates are read:
 * the catalogue's recipes are written so. `gateway webhooks` prints these too: the URL to paste.
 */
export function securedUrl(base: string, verify: WebhookVerify, account: Account): string {
  const recipes = verify.type === 'anyOf' ? verify.recipes : [verify];
  const valueOf = (template: string) => {
    const key = /^%account\[([^\]]+)\]%$/.exec(template)?.[1];
    const value = key === undefined ? undefined : account.values[key];
    return value === undefined || value === '' ? undefined : value;
  };
  for (const recipe of recipes) {
    const value = recipe.type === 'urlSecret' ? valueOf(recipe.value) : undefined;
    if (recipe.type === 'urlSecret' && value !== undefined)
      return `${base}?${encodeURIComponent(recipe.query)}=${encodeURIComponent(value)}`;
  }
  for (const recipe of recipes) {
    if (recipe.type !== 'basic') continue;
    const username = valueOf(recipe.username);
    const password = valueOf(recipe.password);
    if (username === undefined || password === undefined) continue;
    const url = new URL(base);
    url.username = encodeURIComponent(username);
    url.password = encodeURIComponent(password);
    return url.href;
  }
  return base;
}
