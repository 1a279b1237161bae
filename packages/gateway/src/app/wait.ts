/**
 * Waiting for a send at most as long as the answer may wait. `Promise.race` with a sleep leaves
 * the sleep's timer and promise alive until it fires, however early the send settled: at 2,000
 * sends a second and a 25-second wait, some 50,000 of them at a time, for the garbage collector to
 * walk. Here the timer is cleared as soon as the send settles.
 */

/**
 * What `work` gives, or `timedOut` once `ms` passed first; rejects as `work` does when it fails in
 * time. The timer never keeps the process alive.
 * @example const result = await within(deliver(ctx, user, row), ctx.config.limits.sendWaitMs, undefined);
 */
export function within<T, U>(work: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  return new Promise<T | U>((resolve, reject) => {
    const timer = setTimeout(() => resolve(timedOut), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as `work` gave it
        reject(error);
      },
    );
  });
}
