/** The loaded gateway configuration: every default filled in once, every account loaded. */
import type { Account } from 'switchboard/internal/config/account.js';
import type { Provider } from 'switchboard/internal/provider/compile-provider.js';
import type { LoadedRoutes } from 'switchboard/internal/routing/load-routes.js';
import type { Subscription } from '../outbox/subscriptions.js';
import type { ApiKeyConfig } from '../api/keys.js';
import type { OptOutConfig } from './opt-out-config.js';

/** What sends for a user: one account with its provider, or a route file. */
export type SenderSpec =
  | { readonly kind: 'account'; readonly label: string; readonly account: Account; readonly provider: Provider }
  | { readonly kind: 'routes'; readonly label: string; readonly routes: LoadedRoutes };

/** One user of the gateway. */
export interface GatewayUserConfig {
  readonly login: string;
  readonly passwordHash: string;
  /** E.164; the first is the default sender. */
  readonly numbers: readonly string[];
  readonly sender: SenderSpec;
}

/** Where the store lives. */
export type DatabaseConfig =
  { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };

/** The send queue (BullMQ on Redis) of gateways sharing one PostgreSQL, with defaults. */
export interface GatewayQueueConfig {
  readonly redis: string;
  readonly name: string;
  readonly concurrency: number;
}

/** The queue name of gateway sends, apart from `switchboard worker`'s (its jobs are account files and texts). */
export const DEFAULT_GATEWAY_QUEUE = 'switchboard-gateway';

/** The push service, with defaults. */
export interface PushConfig {
  readonly enabled: boolean;
  readonly url: string;
  readonly contentType: string;
  readonly postData: string;
  readonly attempts: number;
  /** The push carries the start of the message text (`%sms_text%`); false: it is empty. */
  readonly includeText: boolean;
}

/**
 * The default bounds of a Fetch page per direction, chosen from `npm run bench:fetch` (docs/gateway.md,
 * "Fetch pages"): a first page of short texts answers well within 50 ms, and one of long texts
 * stays a few hundred kilobytes however many come.
 */
export const DEFAULT_FETCH_PAGE = { count: 500, bytes: 256 * 1024 } as const;

/** Request bounds, with defaults. */
export interface LimitsConfig {
  readonly bodyBytes: number;
  readonly sendWaitMs: number;
  readonly retentionDays: number | undefined;
  readonly fetchPageSize: number;
  readonly fetchPageBytes: number;
}

/** Media of messages (config `media`), with defaults. */
export interface MediaConfig {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly allowPrivateNetworks: boolean;
}

/** The media defaults: 25 MiB (what peers cap at; carriers take far less), a minute, six tries. */
export function resolveMedia(media: Partial<MediaConfig> = {}): MediaConfig {
  return {
    maxBytes: media.maxBytes ?? 25 * 1024 * 1024,
    timeoutMs: media.timeoutMs ?? 60_000,
    attempts: media.attempts ?? 6,
    allowPrivateNetworks: media.allowPrivateNetworks ?? false,
  };
}

/** A gateway, configured. */
export interface GatewayConfig {
  /** The file it came from, or a label. */
  readonly source: string;
  /** Without a trailing slash. */
  readonly publicUrl: string;
  readonly users: readonly GatewayUserConfig[];
  readonly database: DatabaseConfig;
  /** Sends go through this queue; undefined: each process sends what it receives. */
  readonly queue: GatewayQueueConfig | undefined;
  readonly push: PushConfig;
  readonly limits: LimitsConfig;
  readonly media: MediaConfig;
  /** Webhooks to the user's application (none: no outbox is written). */
  readonly subscriptions: readonly Subscription[];
  /** Keys of the HTTP API (api/); none: every /v1 request is refused. */
  readonly apiKeys?: readonly ApiKeyConfig[];
  /** Opt-out keywords and their replies. */
  readonly optOuts: OptOutConfig;
}

/** Acrobits' push API (doc.acrobits.net/api/server/http_push.html). */
export const DEFAULT_PUSH_URL = 'https://pnm.cloudsoftphone.com/pnm2/send';

/** NotifyTextMessage with the fetched sms_id as Id, so the app does not show the message twice. */
export const DEFAULT_PUSH_BODY =
  '{"verb":"%verb%","AppId":"%appId%","DeviceToken":"%deviceToken%","Selector":"%selector%","Id":"%sms_id%","UserName":"%sender%","ThreadId":"%stream_id%","Message":"%sms_text%","Badge":1,"Sound":"default"}';

/** Fills in the defaults of `push` and `limits`. */
export function resolveDefaults(
  push: {
    url?: string;
    contentType?: string;
    postData?: string;
    attempts?: number;
    enabled?: boolean;
    includeText?: boolean;
  } = {},
  limits: {
    bodyBytes?: number;
    sendWaitMs?: number;
    retentionDays?: number;
    fetchPageSize?: number;
    fetchPageBytes?: number;
  } = {},
): { push: PushConfig; limits: LimitsConfig } {
  return {
    push: {
      enabled: push.enabled ?? true,
      url: push.url ?? DEFAULT_PUSH_URL,
      contentType: push.contentType ?? 'application/json',
      postData: push.postData ?? DEFAULT_PUSH_BODY,
      attempts: push.attempts ?? 4,
      includeText: push.includeText ?? true,
    },
    limits: {
      bodyBytes: limits.bodyBytes ?? 64 * 1024,
      sendWaitMs: limits.sendWaitMs ?? 15_000,
      retentionDays: limits.retentionDays,
      fetchPageSize: limits.fetchPageSize ?? DEFAULT_FETCH_PAGE.count,
      fetchPageBytes: limits.fetchPageBytes ?? DEFAULT_FETCH_PAGE.bytes,
    },
  };
}
