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
import type { ResultCode } from '../../result.js';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { sendThroughQueue } from '../queue/queued-send.js';
import type { GatewayContext } from './context.js';
import { deliver, type Settled } from './deliver.js';
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

function answerFor(smsId: string, result: Settled | undefined): Answer {
  if (result === undefined || result.ok || result.ambiguous === true) return { status: 200, body: { sms_id: smsId } };
  const local = result.code !== undefined && LOCAL.has(result.code as ResultCode);
  return { status: local ? 422 : 502, body: { message: result.error ?? 'the provider refused the message' } };
}
