/**
 * Sending one stored message through the user's provider account and recording what became of it:
 * shared by the Send endpoint and the queue's workers (its own module, so neither imports the other).
 */
import type { ResultCode, SendResult } from 'switchboard/internal/result.js';
import type { Attachment } from 'switchboard/internal/generated/attachment.js';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { FILE_TRANSFER } from '../media/document.js';
import { mediaUrl } from '../media/signed-url.js';
import type { StoredMessage } from '../store/store.js';
import type { GatewayContext } from './context.js';
import type { MessageRow } from './message-row.js';

/** Codes of failures the gateway or the library found before any request: the app's input is wrong. */
export const LOCAL: ReadonlySet<ResultCode> = new Set([
  'NUMBER_INVALID',
  'MESSAGE_TOO_LONG',
  'RENDER_FAILED',
  'NO_ROUTE',
  'MEDIA_INVALID',
  'MEDIA_NOT_SUPPORTED',
  // The recipient opted out (replied STOP): refused before any request, or the provider said so.
  'RECIPIENT_OPTED_OUT',
]);

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
 * Sends a message to its peer (E.164 when the app typed a phone number, so the provider's own
 * number rules read it without guessing a country), its row claimed at the wire, and records its
 * outcome; resolves with the result once recorded.
 */
export async function deliver(ctx: GatewayContext, user: GatewayUserConfig, row: MessageRow): Promise<SendResult> {
  const message = row.record;
  const send = ctx.senders.forUser(user, message.ownNumber);
  const media = message.contentType === FILE_TRANSFER ? await filesOf(ctx, row) : undefined;
  if (media !== undefined && media.length === 0) {
    const error = 'its files were not stored, so it is not sent';
    await row.settle({ state: 'failed', error, code: 'MEDIA_INVALID' });
    const failure: SendResult = {
      ok: false,
      code: 'MEDIA_INVALID',
      error,
      recipient: message.peer,
      status: 0,
      retryable: false,
      ambiguous: false,
      durationMs: 0,
    };
    return failure;
  }
  const result = await send({
    to: message.peer,
    body: message.text,
    ...(media === undefined ? {} : { media }),
    contentType: message.contentType,
    dispositionNotification: message.dispositionNotification,
    messageId: message.uid,
    // The claim: false when another process took the message (the connector then sends nothing).
    beforeSend: () => row.claim(),
    // Nothing reached the provider and a retry waits: the intent is taken back, so a crash during
    // the pause leaves the message certainly unsent, to be sent once by the next process.
    afterNotSent: () => row.withdraw(),
  });
  if (result.code === 'NOT_SENT') return result;
  ctx.metrics.sends.inc({ code: result.ok ? 'OK' : (result.code ?? 'UNKNOWN') });
  const state = result.ok ? 'sent' : result.ambiguous ? 'ambiguous' : 'failed';
  await row.settle({ state, providerMessageId: result.messageId, error: result.error, code: result.code });
  // The error (with the provider's host, when the network failed) is for the admin's log only.
  const fields = {
    login: user.login,
    sms_id: (await row.stored()).seq,
    state,
    code: result.code,
    status: result.status,
  };
  ctx.log.info(result.ok ? fields : { ...fields, error: result.error }, outcomeLine(result));
  return result;
}

/** The log line for a send's outcome, saying whether anything reached the provider. */
function outcomeLine(result: SendResult): string {
  if (result.ok) return 'message sent through the provider';
  if (LOCAL.has(result.code) && result.status === 0)
    return 'message refused before sending; nothing reached the provider';
  if (result.ambiguous) return 'message may have reached the provider; no clear answer came back';
  if (result.status === 0) return 'message not sent; the provider could not be reached';
  return 'the provider refused the message';
}

/** The files of a stored message with files, as the provider fetches them: the gateway's signed URLs. */
async function filesOf(ctx: GatewayContext, row: MessageRow): Promise<Attachment[]> {
  const { login, seq } = await row.stored();
  const entries = await ctx.store.media.ofMessages(login, [seq]);
  return entries
    .filter((e) => e.state === 'stored')
    .map((e) => ({
      url: mediaUrl(ctx.config.publicUrl, ctx.mediaKey, e.id),
      ...(e.contentType === undefined ? {} : { contentType: e.contentType }),
      ...(e.filename === undefined ? {} : { filename: e.filename }),
      ...(e.size === undefined ? {} : { size: e.size }),
    }));
}
