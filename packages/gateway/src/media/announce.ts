/**
 * What follows a stored inbound message: its push. A message with files is held back from Fetch
 * until the first attempt at each of them ended (store/media-holds.ts), so it is pushed then: the
 * Fetch the push triggers finds it with its files (a file that failed is retried later; the
 * message is not held for that). Should the hold's deadline come first, the push goes out then,
 * once: the deadline released the message.
 */
import type { GatewayContext } from '../app/context.js';
import type { IngestSummary } from '../webhooks/ingest.js';
import { holdDeadline, settledOrAt } from './hold.js';

/** Keeps the files of `pushes` that have some, and pushes each message once it is released. */
export function announce(ctx: GatewayContext, pushes: IngestSummary['pushes']): void {
  for (const { login, seq, withMedia, heldUntilMs } of pushes) {
    if (!withMedia) {
      ctx.notify(login, seq);
      continue;
    }
    const kept = ctx.media.keepNow(login, seq).catch((error: unknown) => {
      ctx.log.error({ login, sms_id: seq, err: String(error) }, 'keeping attachments failed');
    });
    void ctx.inflight.track(kept);
    const released = settledOrAt(kept, heldUntilMs ?? holdDeadline(ctx.config.media, Date.now()));
    void ctx.inflight.track(released.then(() => ctx.notify(login, seq)));
  }
}
