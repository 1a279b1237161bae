/**
 * How long a received message with files may be held back from Fetch (store/media-holds.ts says
 * why it is held): until the first attempt at each file ended, which the download's own time bound
 * (`media.timeoutMs`) ends, plus a margin for what follows the download (typing the bytes, the
 * preview, storing); at the latest until this deadline, so a process that died mid-download, or one
 * too slow, holds nobody's inbox longer. The push goes out at the release, whichever ends it.
 */
import type { MediaConfig } from '../config/gateway-config.js';

/** What follows a download before its outcome is stored: sniffing, a preview of a large image, the write. */
export const HOLD_MARGIN_MS = 5_000;

/** The deadline of the hold of a message with files stored at `nowMs`. */
export function holdDeadline(media: MediaConfig, nowMs: number): number {
  return nowMs + media.timeoutMs + HOLD_MARGIN_MS;
}

/** Resolves once `work` settled or `atMs` came, whichever is first; never rejects. */
export function settledOrAt(work: Promise<unknown>, atMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, atMs - Date.now()));
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}
