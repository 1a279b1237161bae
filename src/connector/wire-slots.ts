/**
 * The places on the wire of one connector: at most `limit` requests in flight, as many as its pool
 * has connections. A request takes a place before its message's intent is recorded (DESIGN §4.1),
 * so a message never counts as "may have gone out" while it waits for a connection inside undici.
 */

/** A first-come, first-served count of free places. */
export interface WireSlots {
  /** Takes a place: undefined when one was free (no promise on the hot path), else a promise that resolves once taken. */
  take(): Promise<void> | undefined;
  /** Gives a place back, to the longest waiter if any. */
  release(): void;
}

export function createWireSlots(limit: number): WireSlots {
  let free = limit;
  // A queue as an array with a moving head: shift() would copy on every release under load.
  let waiters: (() => void)[] = [];
  let head = 0;
  return {
    take() {
      if (free > 0) {
        free--;
        return undefined;
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release() {
      if (head < waiters.length) {
        const next = waiters[head] as () => void;
        waiters[head++] = noop;
        if (head > 1024 && head * 2 > waiters.length) {
          waiters = waiters.slice(head);
          head = 0;
        }
        next(); // the place passes straight on: `free` is unchanged
        return;
      }
      free++;
    },
  };
}

function noop(): void {}
