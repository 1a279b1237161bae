/**
 * POST /v1/messages's sending: each recipient's message takes the app's durable path (DESIGN §10):
 * with the queue, recorded `queued` and put on it; without, recorded at the wire as `intent` and
 * settled with its outcome (app/message-row.ts), `queued` first only when the answer is due
 * before the wire. The answer waits up to the gateway's `sendWaitMs`; a send still going on then
 * finishes all the same, and the client reads its status later.
 */
import type { GatewayContext } from '../app/context.js';
import { deliver } from '../app/deliver.js';
import { newMessageRow } from '../app/message-row.js';
import { peerOf } from '../app/peer.js';
import { within } from '../app/wait.js';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { sendThroughQueue } from '../queue/queued-send.js';
import type { OutgoingRecord } from '../store/store.js';

/** One message to send: its id (taken before sending, so an Idempotency-Key row can name it) and recipient. */
export interface ApiSend {
  readonly uid: string;
  readonly to: string;
}

/**
 * Sends `text` from `from` (a number of `user`) to each recipient; resolves once each message is
 * recorded and either settled or past the send wait. Rejects only when a message could not be
 * recorded at all (it is then never sent).
 */
export async function sendAll(
  ctx: GatewayContext,
  user: GatewayUserConfig,
  from: string,
  text: string,
  sends: readonly ApiSend[],
): Promise<void> {
  const records = sends.map((send): OutgoingRecord => ({
    login: user.login,
    uid: send.uid,
    ownNumber: from,
    peer: peerOf(send.to, from),
    text,
    contentType: 'text/plain',
    dispositionNotification: '',
    providerAccount: user.sender.label,
  }));
  await Promise.all(records.map((record) => sendOne(ctx, user, record)));
}

async function sendOne(ctx: GatewayContext, user: GatewayUserConfig, record: OutgoingRecord): Promise<void> {
  const waitMs = ctx.config.limits.sendWaitMs;
  if (ctx.queue !== undefined) {
    const stored = await ctx.store.insertOutgoing(record, { state: 'queued' });
    // A message that could not be put on the queue is settled failed there: its row says so.
    await sendThroughQueue(ctx, ctx.queue, stored, waitMs).catch((error: unknown) => {
      ctx.log.error(
        { login: user.login, sms_id: stored.seq, err: String(error) },
        'putting an API send on the queue failed',
      );
    });
    return;
  }
  const row = newMessageRow(ctx.store, record);
  const outcome = ctx.inflight.track(deliver(ctx, user, row));
  try {
    await within(outcome, waitMs, undefined);
    await row.stored();
  } catch (error) {
    // Recorded (its intent may have gone out): the client reads its row. Not recorded: never sent.
    const kept = await row.refuse(error);
    if (kept === undefined) throw error;
    ctx.log.error({ login: user.login, sms_id: kept.seq, err: String(error) }, 'recording an API send failed');
  }
}
