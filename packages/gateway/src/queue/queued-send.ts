/**
 * Sending through the queue: the Send endpoint's side (enqueue, then wait for the outcome by
 * reading the message's row, whichever process sends it) and the worker's side (claim in the
 * database, send, record).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayContext } from '../app/context.js';
import { deliver, userOf, type Settled } from '../app/deliver.js';
import { storedMessageRow } from '../app/message-row.js';
import { within } from '../app/wait.js';
import type { StoredMessage } from '../store/store.js';
import type { SendJob, SendQueue } from './send-queue.js';

/** How often a waiting Send reads its message's row. */
const POLL_MS = 50;

/**
 * Puts `stored` on the queue and resolves with its outcome once recorded, or undefined when
 * `waitMs` passes first (the message is then still pending, and is sent all the same).
 */
export async function sendThroughQueue(
  ctx: GatewayContext,
  queue: SendQueue,
  stored: StoredMessage,
  waitMs: number,
): Promise<Settled | undefined> {
  const deadline = performance.now() + waitMs;
  const enqueued = ctx.inflight.track(queue.enqueue(stored));
  const inTime = await within(
    enqueued.then(() => true),
    waitMs,
    false,
  ).catch(async (error: unknown) => {
    // Not on the queue and answered an error: settled failed, so it is never sent.
    await ctx.store.failQueued(stored.login, stored.seq, 'the gateway could not put the message on its send queue');
    throw error;
  });
  if (!inTime) {
    // Answered already (the wait passed): the row stays queued, and is put on the queue again when
    // this process restarts or another one takes over what it left.
    enqueued.catch((error: unknown) =>
      ctx.log.error(
        { login: stored.login, sms_id: stored.seq, err: String(error) },
        'putting a send on the queue failed',
      ),
    );
    return undefined;
  }
  for (;;) {
    const row = await ctx.store.message(stored.login, stored.seq);
    const state = row?.sendState;
    if (row !== undefined && (state === 'sent' || state === 'failed' || state === 'ambiguous'))
      return { ok: state === 'sent', ambiguous: state === 'ambiguous', code: row.errorCode, error: row.error };
    if (performance.now() + POLL_MS > deadline) return undefined;
    await sleep(POLL_MS);
  }
}

/**
 * Takes one job: sends the message if it is still `queued` (the claim in `beforeSend` makes sure
 * one process sends it). A message found in `intent` was being sent by a process that stopped
 * (its job came back): it may have been sent, so it becomes ambiguous and is never sent again.
 * Anything else was settled already: nothing to do.
 */
export async function takeJob(ctx: GatewayContext, job: SendJob): Promise<void> {
  const stored = await ctx.store.message(job.login, job.seq);
  if (stored === undefined || stored.direction !== 'out') return; // purged, or not ours
  if (stored.sendState === 'intent') {
    if (await ctx.store.markAmbiguous(stored.login, stored.seq))
      ctx.log.warn({ login: stored.login, sms_id: stored.seq }, 'a message left in flight is marked ambiguous');
    return;
  }
  if (stored.sendState !== 'queued') return;
  const user = await userOf(ctx, stored);
  if (user !== undefined) await deliver(ctx, user, storedMessageRow(ctx.store, stored));
}
