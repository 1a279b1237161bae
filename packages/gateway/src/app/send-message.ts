/**
 * Send Message, for the app (DESIGN §10): the message is recorded when its request is about to be
 * written (the connector's `beforeSend`, after the rate limits, a free connection and any retry
 * pause), straight as `intent` with the sms_id the app will see, and its outcome after
 * (message-row.ts). It is recorded `queued` first only when the answer is due before that. The app waits up to `sendWaitMs` for the provider: a final error is answered non-2xx with
 * `{"message"}`, which the app shows; sent, ambiguous (maybe sent: never re-sent) or still
 * pending is answered 2xx `{"sms_id"}`. A send that outlives the wait still finishes and is recorded.
 * With a queue (config `queue`) the message is put on it instead, any gateway process sends it,
 * and the wait reads the outcome from the database.
 */
import { randomUUID } from 'node:crypto';
import type { ResultCode } from 'switchboard/internal/result.js';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { sendThroughQueue } from '../queue/queued-send.js';
import { isFileTransfer } from '../media/app-document.js';
import type { OutgoingRecord, StoredMessage } from '../store/store.js';
import type { GatewayContext } from './context.js';
import { deliver, LOCAL, type Settled } from './deliver.js';
import { newMessageRow, storedMessageRow } from './message-row.js';
import { storeFileTransfer } from './send-file-transfer.js';
import { peerOf } from './peer.js';
import { within } from './wait.js';

/** What the app sends (see `gateway account-xml`). */
export interface SendInput {
  readonly to: string;
  readonly body: string;
  readonly content_type?: string | undefined;
  readonly disposition_notification?: string | undefined;
  /** The sending number; default the user's first. Must be one of the user's. */
  readonly from?: string | undefined;
}

/** The answer: HTTP status and JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Handles one Send Message call of an authenticated user. */
export async function sendMessage(ctx: GatewayContext, user: GatewayUserConfig, input: SendInput): Promise<Answer> {
  const from = input.from === undefined || input.from === '' ? user.numbers[0] : input.from;
  if (from === undefined || !user.numbers.includes(from))
    return { status: 403, body: { message: `${input.from ?? ''} is not one of your numbers` } };
  if (input.to.trim() === '') return { status: 400, body: { message: 'no recipient' } };
  const record: OutgoingRecord = {
    login: user.login,
    uid: randomUUID(),
    ownNumber: from,
    peer: peerOf(input.to, from),
    text: input.body,
    contentType: input.content_type || 'text/plain',
    dispositionNotification: input.disposition_notification ?? '',
    providerAccount: user.sender.label,
  };
  if (isFileTransfer(input.content_type, input.body)) {
    const ready = await storeFileTransfer(ctx, user, record);
    if ('status' in ready) return ready;
    return answerFor(String(ready.stored.seq), await sendStored(ctx, user, ready.stored, ready.waitMs));
  }
  const waitMs = ctx.config.limits.sendWaitMs;
  if (ctx.queue !== undefined) {
    const stored = await ctx.store.insertOutgoing(record, { state: 'queued' });
    return answerFor(String(stored.seq), await sendThroughQueue(ctx, ctx.queue, stored, waitMs));
  }
  const row = newMessageRow(ctx.store, record);
  const outcome = ctx.inflight.track(deliver(ctx, user, row));
  try {
    const result = await within(outcome, waitMs, undefined);
    // Sent, refused or still on its way: the answer names the durable row (written as `queued`
    // now if the message has not reached the wire yet).
    return answerFor(String((await row.stored()).seq), result);
  } catch (error) {
    // An error answer must mean "never sent": without a durable row the message never goes; with
    // one (its intent was recorded, so it may have gone out) the app gets its sms_id.
    const kept = await row.refuse(error);
    if (kept === undefined) throw error;
    ctx.log.error({ login: user.login, sms_id: kept.seq, err: String(error) }, 'recording a send failed');
    return answerFor(String(kept.seq), undefined);
  }
}

/** Sends a message stored as `queued`, through the queue or here; the outcome, or undefined after `waitMs`. */
async function sendStored(
  ctx: GatewayContext,
  user: GatewayUserConfig,
  stored: StoredMessage,
  waitMs: number,
): Promise<Settled | undefined> {
  if (ctx.queue !== undefined) return sendThroughQueue(ctx, ctx.queue, stored, waitMs);
  const outcome = ctx.inflight.track(deliver(ctx, user, storedMessageRow(ctx.store, stored)));
  return within(outcome, waitMs, undefined);
}

function answerFor(smsId: string, result: Settled | undefined): Answer {
  if (result === undefined || result.ok || result.ambiguous === true) return { status: 200, body: { sms_id: smsId } };
  const local = result.code !== undefined && LOCAL.has(result.code as ResultCode);
  if (local) return { status: 422, body: { message: result.error ?? 'the message cannot be sent' } };
  return { status: 502, body: { message: appText(result) } };
}

/**
 * The text the app shows for a provider-side failure: the provider's own words when it answered
 * (they are about the message), else what happened in general terms. Where the gateway sends
 * (hosts, ports, token URLs) is internal and stays in the log.
 */
function appText(result: Settled): string {
  if (result.code === 'PROVIDER_ERROR' || result.code === 'PROVIDER_REJECTED')
    return result.error ?? 'the provider refused the message';
  if (result.code === 'AUTH_FAILED') return 'the gateway could not sign in to the provider; the message was not sent';
  if (result.code?.startsWith('NETWORK_') === true || result.code?.startsWith('TIMEOUT_') === true)
    return 'the provider could not be reached; the message was not sent, try again later';
  return `the provider could not take the message (${result.code ?? 'no answer'}); the message was not sent`;
}
