/** The progress of a bulk send when stderr is not a terminal: a plain line at most every 5 seconds, and the last state at the end. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { duration, progressView } from '../../src/cli/bulk-progress.js';
import type { BulkProgress } from '../../src/bulk/items.js';
import type { Io } from '../../src/cli/io.js';

function capture() {
  const err: string[] = [];
  const io: Io = { out: () => undefined, err: (text) => err.push(text), tty: false, env: {} };
  return { io, err };
}

const at = (done: number, extra: Partial<BulkProgress> = {}): BulkProgress => ({
  done,
  sent: done,
  failed: 0,
  ambiguous: 0,
  skipped: 0,
  badRows: 0,
  inFlight: 0,
  ...extra,
});

describe('bulk progress for logs', () => {
  it('prints at most one line every 5 seconds however fast messages go, and the final counts at the end', () => {
    let clock = 0;
    const { io, err } = capture();
    const view = progressView(io, 100_000, () => clock);
    for (let done = 1; done <= 100_000; done++) {
      clock = done / 10; // 10,000 messages a second: 10 s in all
      view.update(at(done));
    }
    view.stop();
    expect(err).toEqual([
      'progress: 50000/100000 done (50000 sent, 0 failed, 0 ambiguous, 0 skipped), 10000/s, about 5s left',
      'progress: 100000/100000 done (100000 sent, 0 failed, 0 ambiguous, 0 skipped), 10000/s',
    ]);
  });

  it('counts bad rows among the failed, and leaves out the time left when the total is unknown (stdin)', () => {
    let clock = 0;
    const { io, err } = capture();
    const view = progressView(io, undefined, () => clock);
    clock = 6000;
    view.update(at(3, { sent: 1, failed: 1, badRows: 1 }));
    view.stop();
    expect(err).toEqual(['progress: 3 done (1 sent, 2 failed, 0 ambiguous, 0 skipped), 0.5/s']);
  });

  it('prints nothing for a run shorter than 5 seconds: the summary says it all', () => {
    let clock = 0;
    const { io, err } = capture();
    const view = progressView(io, 2, () => clock);
    clock = 300;
    view.update(at(1));
    view.update(at(2));
    view.stop();
    expect(err).toEqual([]);
  });

  it('writes durations as a person reads them', () => {
    expect([duration(45), duration(200), duration(7500)]).toEqual(['45s', '3m 20s', '2h 05m']);
  });
});

describe('bulk progress on a terminal', () => {
  it('draws a bar with done/total, the rate, failures and the time left', () => {
    const written: string[] = [];
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
      clearScreenDown: () => true,
    });
    stream.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    let clock = 0;
    const io: Io = {
      out: () => undefined,
      err: () => undefined,
      tty: true,
      env: {},
      errTerminal: stream as unknown as NodeJS.WriteStream,
    };
    const view = progressView(io, 200, () => clock);
    clock = 10_000;
    view.update(at(50, { sent: 47, failed: 2, ambiguous: 1 }));
    view.stop();
    const screen = written.join('');
    expect(screen).toContain('50/200 | 5.0/s | 2 failed, 1 ambiguous | 30s left');
    expect(screen).toMatch(/sending \[[█░]+\]/);
  });
});
