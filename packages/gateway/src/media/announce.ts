/**
 * What follows a stored inbound message: its push, after the first attempt at its files when it has
 * some, so that the Fetch the push triggers usually finds them all (a file that failed is retried
 * later; the message is not held back for it).
 */
import type { GatewayContext } from '../app/context.js';
import type { IngestSummary } from '../webhooks/ingest.js';

/** Keeps the files of `pushes` that have some, and pushes each message. */
export function announce(ctx: GatewayContext, pushes: IngestSummary['pushes']): void {
  for (const { login, seq, withMedia } of pushes) {
    if (!withMedia) {
      ctx.notify(login, seq);
      continue;
    }
    const kept = ctx.media.keepNow(login, seq).catch((error: unknown) => {
      ctx.log.error({ login, sms_id: seq, err: String(error) }, 'keeping attachments failed');
    });
    void ctx.inflight.track(kept.then(() => ctx.notify(login, seq)));
  }
}
