/**
 * The provider accounts that receive webhooks, and the URL of each endpoint. An account is named
 * in the URL by a slug of its file name as the gateway file (or route file) names it, e.g.
 * `accounts/acme.json` → `/hooks/accounts-acme/inbound`: stable across restarts and across
 * machines that share one gateway file, readable in a provider's console. It need not be secret:
 * every request is verified by the provider's recipe before anything is stored.
 */
import { createHash } from 'node:crypto';
import type { Account } from 'switchboard/internal/config/account.js';
import { ConfigError } from 'switchboard/internal/errors.js';
import type { Provider } from 'switchboard/internal/provider/compile-provider.js';
import { createWebhookReceiver, type WebhookReceiver } from 'switchboard/internal/webhook/receiver.js';
import type { GatewayConfig } from '../config/gateway-config.js';

/** The path under which provider webhooks arrive. */
export const HOOKS_PATH = '/hooks';

/** A provider account whose provider describes webhooks. */
export interface WebhookAccount {
  /** Its name in webhook URLs. */
  readonly id: string;
  /** The account file as the configuration names it. */
  readonly label: string;
  readonly account: Account;
  readonly provider: Provider;
  /** The endpoint names its provider declares, in file order. */
  readonly endpoints: readonly string[];
  /** The labels messages it sent are stored under (the account's own, or the route files it serves in). */
  readonly sendsFor: readonly string[];
}

/** Every provider account of the gateway's users (route targets included) whose provider has webhooks. */
export function webhookAccounts(config: GatewayConfig): WebhookAccount[] {
  const found = new Map<string, { label: string; account: Account; provider: Provider; sendsFor: Set<string> }>();
  const add = (label: string, account: Account, provider: Provider, storedAs: string) => {
    const entry = found.get(account.source) ?? { label, account, provider, sendsFor: new Set<string>() };
    entry.sendsFor.add(storedAs);
    found.set(account.source, entry);
  };
  for (const { sender } of config.users) {
    if (sender.kind === 'account') add(sender.label, sender.account, sender.provider, sender.label);
    else
      for (const route of sender.routes.routes)
        for (const target of route.targets) add(target.label, target.account, target.provider, sender.label);
  }
  const taken = new Set<string>();
  const accounts: WebhookAccount[] = [];
  for (const entry of found.values()) {
    const endpoints = Object.keys(entry.provider.definition.webhooks?.endpoints ?? {});
    if (endpoints.length === 0) continue;
    let id = slugOf(entry.label);
    if (taken.has(id)) id = `${id}-${createHash('sha256').update(entry.label).digest('hex').slice(0, 8)}`;
    taken.add(id);
    accounts.push({
      id,
      label: entry.label,
      account: entry.account,
      provider: entry.provider,
      endpoints,
      sendsFor: [...entry.sendsFor],
    });
  }
  return accounts;
}

/** `accounts/Acme EU.json` → `accounts-acme-eu`. */
export function slugOf(label: string): string {
  const slug = label
    .replace(/\.(json|xml)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'account' : slug;
}

/** The public URL of each endpoint of `account`. */
export function webhookUrls(config: GatewayConfig, account: WebhookAccount): { endpoint: string; url: string }[] {
  return account.endpoints.map((endpoint) => ({
    endpoint,
    url: `${config.publicUrl}${HOOKS_PATH}/${account.id}/${encodeURIComponent(endpoint)}`,
  }));
}

/**
 * Compiles the receiver of `account`, or says why its webhooks cannot be served (the account lacks
 * a value that verifying needs: an endpoint is never accepted unauthenticated).
 */
export function receiverOf(account: WebhookAccount): { receiver: WebhookReceiver } | { problems: string[] } {
  try {
    return { receiver: createWebhookReceiver({ provider: account.provider, account: account.account }) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { problems: error.issues.map((i) => i.message) };
  }
}
