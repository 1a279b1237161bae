/**
 * Send Message, for the app (DESIGN §10): the message is recorded durably (`queued`, with the
 * sms_id the app will see) before anything else, marked `intent` just before its request goes
 * out (the connector's `beforeSend`, after the rate limits let it), and its outcome recorded
 * after. The app waits up to `sendWaitMs` for the provider: a final error is answered non-2xx with
 * `{"message"}`, which the app shows; sent, ambiguous (maybe sent: never re-sent) or still
 * pending is answered 2xx `{"sms_id"}`. A send that outlives the wait still finishes and is recorded.
 * With a queue (config `queue`) the message is put on it instead, any gateway process sends it,
 * and the wait reads the outcome from the database.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResultCode, SendResult } from '../../result.js';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { sendThroughQueue } from '../queue/queued-send.js';
import type { StoredMessage } from '../store/store.js';
import type { GatewayContext } from './context.js';
import { peerOf } from './peer.js';

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

/** Codes of failures the gateway or the library found before any request: the app's input is wrong. */
const LOCAL: ReadonlySet<ResultCode> = new Set(['NUMBER_INVALID', 'MESSAGE_TOO_LONG', 'RENDER_FAILED', 'NO_ROUTE']);

/** Handles one Send Message call of an authenticated user. */
export async function sendMessage(ctx: GatewayContext, user: GatewayUserConfig, input: SendInput): Promise<Answer> {
  const from = input.from === undefined || input.from === '' ? user.numbers[0] : input.from;
  if (from === undefined || !user.numbers.includes(from))
    return { status: 403, body: { message: `${input.from ?? ''} is not one of your numbers` } };
  if (input.to.trim() === '') return { status: 400, body: { message: 'no recipient' } };
  const stored = await ctx.store.queueOutgoing({
    login: user.login,
    uid: randomUUID(),
    ownNumber: from,
    peer: peerOf(input.to, from),
    text: input.body,
    contentType: input.content_type || 'text/plain',
    dispositionNotification: input.disposition_notification ?? '',
    providerAccount: user.sender.label,
  });
  const waitMs = ctx.config.limits.sendWaitMs;
  if (ctx.queue !== undefined)
    return answerFor(String(stored.seq), await sendThroughQueue(ctx, ctx.queue, stored, waitMs));
  const outcome = ctx.inflight.track(deliver(ctx, user, stored));
  const result = await Promise.race([outcome, sleep(waitMs, undefined, { ref: false })]);
  return answerFor(String(stored.seq), result);
}

/** What the answer needs of a send's outcome: a result, or the message's recorded row. */
export interface Settled {
  readonly ok: boolean;
  readonly ambiguous?: boolean | undefined;
  readonly code?: string | undefined;
  readonly error?: string | undefined;
}

/**
 * The configured user a stored message sends for; a message whose user or number is no longer
 * configured is recorded failed (it was certainly not sent) and gives undefined.
 */
export async function userOf(ctx: GatewayContext, message: StoredMessage): Promise<GatewayUserConfig | undefined> {
  const user = ctx.config.users.find((u) => u.login === message.login);
  if (user !== undefined && user.numbers.includes(message.ownNumber)) return user;
  await ctx.store.recordOutcome(message.login, message.seq, {
    state: 'failed',
    error: 'the user or number is no longer configured',
  });
  return undefined;
}

/**
 * Sends a stored message to its peer (E.164 when the app typed a phone number, so the provider's
 * own number rules read it without guessing a country) and records its outcome; resolves with the
 * result once recorded.
 */
export async function deliver(
  ctx: GatewayContext,
  user: GatewayUserConfig,
  stored: StoredMessage,
): Promise<SendResult> {
  const send = ctx.senders.forUser(user, stored.ownNumber);
  const result = await send({
    to: stored.peer,
    body: stored.text,
    contentType: stored.contentType,
    dispositionNotification: stored.dispositionNotification,
    messageId: stored.uid,
    // The claim: false when another process took the message (the connector then sends nothing).
    beforeSend: () => ctx.store.markIntent(user.login, stored.seq),
  });
  if (result.code === 'NOT_SENT') return result;
  ctx.metrics.sends.inc({ code: result.ok ? 'OK' : (result.code ?? 'UNKNOWN') });
  const state = result.ok ? 'sent' : result.ambiguous ? 'ambiguous' : 'failed';
  await ctx.store.recordOutcome(user.login, stored.seq, {
    state,
    providerMessageId: result.messageId,
    error: result.error,
    code: result.code,
  });
  // The error (with the provider's host, when the network failed) is for the admin's log only.
  const fields = { login: user.login, sms_id: stored.seq, state, code: result.code, status: result.status };
  ctx.log.info(result.ok ? fields : { ...fields, error: result.error }, outcomeLine(result));
  return result;
}

/** The log line for a send's outcome, saying whether anything reached the provider. */
function outcomeLine(result: SendResult): string {
  if (result.ok) return 'message sent through the provider';
  if (LOCAL.has(result.code)) return 'message refused before sending; nothing reached the provider';
  if (result.ambiguous) return 'message may have reached the provider; no clear answer came back';
  if (result.status === 0) return 'message not sent; the provider could not be reached';
  return 'the provider refused the message';
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
