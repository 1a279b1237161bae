/**
 * The progress of a bulk send, on stderr: a live bar on a terminal (rate, done/total, failures,
 * time left), otherwise a plain line at most every 5 seconds (and the final counts after those), for logs.
 */
import cliProgress from 'cli-progress';
import type { BulkProgress } from '../bulk/items.js';
import type { Io } from './io.js';

/** Shows progress; `stop` before printing anything else. */
export interface ProgressView {
  update: (progress: BulkProgress) => void;
  stop(): void;
}

const LINE_INTERVAL_MS = 5000;

/** A view for `io`: a bar when stderr is a terminal, plain lines otherwise. `total` is unknown for stdin. */
export function progressView(io: Io, total: number | undefined, now: () => number = Date.now): ProgressView {
  const started = now();
  const pace = (p: BulkProgress) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = p.done / seconds;
    const left = total === undefined || rate === 0 ? undefined : (total - p.done) / rate;
    return {
      rate: rate < 10 ? rate.toFixed(1) : String(Math.round(rate)),
      left: left === undefined ? '?' : duration(left),
    };
  };
  return io.errTerminal === undefined ? lines(io, total, pace, now) : bar(io.errTerminal, total, pace);
}

type Pace = (p: BulkProgress) => { rate: string; left: string };

function bar(stream: NodeJS.WriteStream, total: number | undefined, pace: Pace): ProgressView {
  const counts = '{failed} failed, {ambiguous} ambiguous';
  const format =
    total === undefined
      ? `sending {value} done | {rate}/s | ${counts}`
      : `sending [{bar}] {value}/{total} | {rate}/s | ${counts} | {left} left`;
  const view = new cliProgress.SingleBar(
    { format, stream, hideCursor: true, fps: 10, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  view.start(total ?? 0, 0, { rate: '0', failed: 0, ambiguous: 0, left: '?' });
  return {
    update: (p) => view.update(p.done, { ...pace(p), failed: p.failed + p.badRows, ambiguous: p.ambiguous }),
    stop: () => view.stop(),
  };
}

function lines(io: Io, total: number | undefined, pace: Pace, now: () => number): ProgressView {
  let lastAt = now();
  let unprinted: BulkProgress | undefined;
  let printed = false;
  const print = (p: BulkProgress) => {
    unprinted = undefined;
    printed = true;
    lastAt = now();
    const { rate, left } = pace(p);
    const of = total === undefined ? '' : `/${total}`;
    const eta = total === undefined || p.done === total ? '' : `, about ${left} left`;
    io.err(
      `progress: ${p.done}${of} done (${p.sent} sent, ${p.failed + p.badRows} failed, ${p.ambiguous} ambiguous, ${p.skipped} skipped), ${rate}/s${eta}`,
    );
  };
  return {
    update(p) {
      if (now() - lastAt < LINE_INTERVAL_MS) unprinted = p;
      else print(p);
    },
    stop() {
      // The final counts, for a run long enough to have printed progress (the summary follows anyway).
      if (unprinted !== undefined && printed) print(unprinted);
    },
  };
}

/** `45s`, `3m 20s`, `2h 05m`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
