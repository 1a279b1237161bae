/**
 * The ingestion point for provider webhooks. Verifying and reading a provider's request is the
 * webhook library's job (DESIGN §9): a {@link WebhookReader} turns a raw request into normalised
 * events and the answer the provider expects, or a failure. Here the events are stored
 * idempotently and routed to the user who owns the `to` number; only then is the provider answered.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Store } from '../store/store.js';

/** A request as received, bytes untouched (verification needs the raw body). */
export interface RawWebhookRequest {
  readonly method: string;
  /** The full URL as the provider called it (publicUrl + path + query). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** Normalised events (DESIGN §9, contract). */
export type WebhookEvent =
  | {
      readonly type: 'inbound';
      readonly from: string;
      readonly to: string;
      readonly text: string;
      readonly providerMessageId?: string;
      readonly receivedAt?: string;
      readonly media?: readonly { readonly url: string; readonly contentType?: string }[];
    }
  | {
      readonly type: 'status';
      readonly providerMessageId: string;
      readonly messageId?: string;
      readonly status: string;
      readonly errorCode?: string;
      readonly error?: string;
      readonly at?: string;
    };

/** What the provider is answered. */
export interface WebhookAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
}

/** Verified and read, or refused (401/403, nothing stored). */
export type WebhookReading =
  | { readonly events: readonly WebhookEvent[]; readonly answer: WebhookAnswer }
  | { readonly failure: { readonly status: number; readonly reason: string } };

/** Verifies and reads one provider's webhook request (to be provided by the webhook library). */
export type WebhookReader = (request: RawWebhookRequest) => Promise<WebhookReading> | WebhookReading;

/** What ingesting did, for logs and metrics. */
export interface IngestSummary {
  readonly stored: number;
  readonly repeated: number;
  readonly unrouted: number;
  readonly statuses: number;
}

/** Stores `events` that arrived for provider account `account`; calls `notify` for each new inbound. */
export async function ingestEvents(
  config: GatewayConfig,
  store: Store,
  account: string,
  events: readonly WebhookEvent[],
  notify: (login: string, seq: number) => void,
): Promise<IngestSummary> {
  const owners = new Map(config.users.flatMap((u) => u.numbers.map((n) => [n, u.login] as const)));
  let stored = 0;
  let repeated = 0;
  let unrouted = 0;
  let statuses = 0;
  for (const event of events) {
    if (event.type === 'status') {
      const ids = { uid: event.messageId, providerMessageId: event.providerMessageId };
      if (await store.applyStatus(account, ids, event.status)) statuses++;
      continue;
    }
    const dedupeKey = dedupeKeyOf(account, event);
    const owner = owners.get(event.to);
    const base = {
      peer: event.from,
      ownNumber: event.to,
      text: event.text,
      providerAccount: account,
      providerMessageId: event.providerMessageId,
      receivedAt: event.receivedAt,
      dedupeKey,
    };
    if (owner === undefined) {
      if (await store.insertUnrouted(base)) unrouted++;
      continue;
    }
    const { message, inserted } = await store.insertInbound({
      ...base,
      login: owner,
      uid: randomUUID(),
      contentType: 'text/plain',
    });
    if (inserted) {
      stored++;
      notify(owner, message.seq);
    } else repeated++;
  }
  return { stored, repeated, unrouted, statuses };
}

/** The provider's id when it gives one; else a digest of what the message is (some providers give none). */
function dedupeKeyOf(account: string, event: Extract<WebhookEvent, { type: 'inbound' }>): string {
  if (event.providerMessageId !== undefined && event.providerMessageId !== '')
    return `${account}\u001f${event.providerMessageId}`;
  const digest = createHash('sha256')
    .update([event.from, event.to, event.text, event.receivedAt ?? ''].join('\0'))
    .digest('base64');
  return `${account}\u001fsha256:${digest}`;
}
