/**
 * Where verified webhook events meet the store. Verifying and reading a provider's request is the
 * webhook library's job (DESIGN §9, src/webhook/); here its events are stored idempotently (its
 * `dedupeKey`, scoped to the account, makes a provider's retry a no-op) and routed to the user
 * who owns the `to` number, but only when that user sends through the receiving account (or a route
 * file that includes it): a provider account's webhook secret vouches for that account's numbers
 * and no others, so an event for anyone else's number is kept as unrouted. The caller answers the
 * provider once this resolves, then pushes.
 */
import { randomUUID } from 'node:crypto';
import type { WebhookEvent } from 'switchboard/internal/webhook/events.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Store } from '../store/store.js';
import { FILE_TRANSFER } from '../media/document.js';
import { holdDeadline } from '../media/hold.js';
import { keywordOf, type AutoReply, type KeywordKind } from '../config/opt-out-config.js';
import { withoutNul } from './without-nul.js';

/** What ingesting did, for the answer, logs and metrics. */
export interface IngestSummary {
  /** Inbound messages stored for their owner now. */
  readonly stored: number;
  /** Events stored already (a provider's retry, or another gateway process's). */
  readonly repeated: number;
  /** Inbound messages to a number nobody owns, kept now. */
  readonly unrouted: number;
  /** Status events that moved a sent message's status up. */
  readonly statuses: number;
  /** Events that carried U+0000, kept with the character dropped (without-nul.ts). */
  readonly cleaned: number;
  /**
   * The new inbound messages, to push once the provider is answered (and, `withMedia`, once their
   * files had their first attempt, or at `heldUntilMs`, when Fetch shows them).
   */
  readonly pushes: readonly InboundPush[];
  /** Replies owed to keywords in new inbound messages, to send once the provider is answered. */
  readonly replies: readonly AutoReply[];
}

/** A new inbound message to push. */
export interface InboundPush {
  readonly login: string;
  readonly seq: number;
  readonly withMedia: boolean;
  /** With media: the deadline of its hold (media/hold.ts). */
  readonly heldUntilMs?: number | undefined;
}

/** Whose messages a webhook account may update, and how its events are keyed. */
export interface IngestSource {
  /** The account's name in webhook URLs; dedupe keys are scoped by it. */
  readonly id: string;
  /** The label messages are stored under (`providerAccount`) for new inbound messages. */
  readonly label: string;
  /**
   * The senders it serves (the account file's own label, or the route files that include it): its
   * status events update only messages stored under these, and its inbound messages reach only
   * users whose sender is one of these.
   */
  readonly sendsFor: readonly string[];
}

/** Stores `events` that arrived for the provider account `source`. */
export async function ingestEvents(
  config: GatewayConfig,
  store: Store,
  source: IngestSource,
  received: readonly WebhookEvent[],
): Promise<IngestSummary> {
  const owners = ownersFor(config, source);
  const { events, cleaned } = withoutNul(received);
  const pushes: InboundPush[] = [];
  const replies: AutoReply[] = [];
  let repeated = 0;
  let unrouted = 0;
  let statuses = 0;
  for (const event of events) {
    if (event.type === 'status') {
      const ids = { uid: event.messageId, providerMessageId: event.providerMessageId };
      let moved = false;
      // The provider's error (an undelivered report's reason) is kept with the status it came with.
      const error = reportError(event.errorCode, event.error);
      for (const label of source.sendsFor) moved = (await store.applyStatus(label, ids, event.status, error)) || moved;
      if (moved) statuses++;
      // A report whose code the provider file lists as "opted out": its recipient asked our number for no more.
      if (event.optedOut === true)
        for (const label of source.sendsFor)
          await store.optOuts.addForMessage(label, ids, `provider code ${event.errorCode ?? ''}`);
      continue;
    }
    const base = {
      peer: event.from,
      ownNumber: event.to,
      text: event.text,
      providerAccount: source.label,
      providerMessageId: event.providerMessageId === '' ? undefined : event.providerMessageId,
      receivedAt: event.receivedAt,
      dedupeKey: `${source.id}\u001f${event.dedupeKey}`,
      // A key digested from the content holds only for its window: the same text later is new.
      dedupeWindowMs: event.dedupeWindowSeconds === undefined ? undefined : event.dedupeWindowSeconds * 1000,
    };
    const owner = owners.get(event.to);
    if (owner === undefined) {
      if (await store.insertUnrouted(base)) unrouted++;
      else repeated++;
      continue;
    }
    // The opt-out is recorded before the message, so a crash between the two leaves the provider's
    // retry to store the message, and the opt-out is never lost.
    const kind = await applyKeyword(config, store, event);
    const withMedia = event.media.length > 0;
    // Fetch shows it once its files had their first attempt, or at this deadline (media/hold.ts).
    const heldUntilMs = withMedia ? holdDeadline(config.media, Date.now()) : undefined;
    const { message, inserted } = await store.insertInbound({
      ...base,
      login: owner,
      uid: randomUUID(),
      // A message with files is shown as an Acrobits file transfer, built from them at Fetch.
      contentType: withMedia ? FILE_TRANSFER : 'text/plain',
      media: event.media,
      heldUntilMs,
    });
    if (!inserted) {
      repeated++;
      continue;
    }
    pushes.push({ login: owner, seq: message.seq, withMedia, heldUntilMs });
    const text = kind === undefined ? undefined : config.optOuts[kind].reply;
    if (kind !== undefined && text !== undefined)
      replies.push({ login: owner, kind, ownNumber: event.to, peer: event.from, text });
  }
  return { stored: pushes.length, repeated, unrouted, statuses, cleaned, pushes, replies };
}

/** Records the opt-out or opt-in an inbound keyword asks for; returns the keyword's kind. */
async function applyKeyword(
  config: GatewayConfig,
  store: Store,
  event: { readonly from: string; readonly to: string; readonly text: string },
): Promise<KeywordKind | undefined> {
  const kind = keywordOf(config.optOuts, event.text);
  if (kind === 'stop') await store.optOuts.add(event.to, event.from, `keyword ${event.text.trim().toUpperCase()}`);
  if (kind === 'start') await store.optOuts.remove(event.to, event.from);
  return kind;
}

/** The numbers of the users that `source` serves, and their logins; nobody else's number is in it. */
function ownersFor(config: GatewayConfig, source: IngestSource): Map<string, string> {
  const serves = new Set(source.sendsFor);
  const users = config.users.filter((u) => serves.has(u.sender.label));
  return new Map(users.flatMap((u) => u.numbers.map((n) => [n, u.login] as const)));
}

/** A delivery report's error as one text: its code and words, either alone, or nothing. */
function reportError(code: string | undefined, words: string | undefined): string | undefined {
  if (code !== undefined && code !== '' && words !== undefined && words !== '') return `${code}: ${words}`;
  return words || code || undefined;
}
