/**
 * Sending one stored message and recording its outcome: shared by the Send endpoint (directly, or
 * through the queue's worker) and by the start-up resume. In its own module so that send-message.ts
 * and queue/queued-send.ts both use it without importing each other.
 */
import type { SendResult } from '../../result.js';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import type { StoredMessage } from '../store/store.js';
import type { GatewayContext } from './context.js';

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
  ctx.log.info(
    { login: user.login, sms_id: stored.seq, state, code: result.code, status: result.status },
    'message sent through the provider',
  );
  return result;
}
