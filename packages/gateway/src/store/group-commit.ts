/**
 * Group commit: every durable write that arrives in one event-loop turn goes into one transaction,
 * and each caller's promise resolves only after that transaction committed. A commit is the
 * expensive part of a write (`synchronous = FULL` waits for the disk; PostgreSQL flushes its WAL),
 * so sixteen sends that each need a write cost one flush instead of sixteen, and no caller
 * continues before its own write is on disk. One batch is committed at a time: writes that arrive
 * while it commits make the next batch.
 *
 * Tried and measured, not kept: SQLite with `synchronous = NORMAL` and the WAL flushed by an
 * `fdatasync` on libuv's thread pool, so that the event loop runs on during the flush and the next
 * batch commits meanwhile. On two cores it cost 11 µs more CPU per message in the store (smaller
 * batches, a thread hop per flush) and the app's Send measured 0.40× against 0.42–0.43× with FULL
 * (`bench/gateway.mjs --only send`, alternating). It would pay where a flush takes far longer than
 * the CPU a batch needs (a network disk).
 */

/** Commits `works` in one transaction and gives their results in order; rejects (writing nothing) if any fails. */
export type CommitBatch<W> = (works: readonly W[]) => Promise<readonly unknown[]> | readonly unknown[];

/** Queues writes into shared transactions. */
export interface GroupCommit<W> {
  /**
   * Runs `work` in the next batch; resolves with what it returned once the batch committed. A
   * write that fails rejects only its own caller: the batch is then committed again without it.
   */
  write<T>(work: W): Promise<T>;
}

interface Pending<W> {
  readonly work: W;
  readonly resolve: (value: never) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Creates a group commit over `commit`, the store's way of running several writes in one
 * transaction (synchronously on SQLite, on one client on PostgreSQL).
 * @example const writes = createGroupCommit<() => unknown>((works) => db.transaction(() => works.map((w) => w()))());
 */
export function createGroupCommit<W>(commit: CommitBatch<W>): GroupCommit<W> {
  let pending: Pending<W>[] = [];
  let scheduled = false;
  let committing = false;

  const schedule = () => {
    if (scheduled || committing || pending.length === 0) return;
    scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every write they asked for joins.
    setImmediate(() => void flush());
  };

  const settleAlone = async (entry: Pending<W>) => {
    try {
      const [value] = await commit([entry.work]);
      entry.resolve(value as never);
    } catch (error) {
      entry.reject(error);
    }
  };

  async function flush(): Promise<void> {
    scheduled = false;
    committing = true;
    const batch = pending;
    pending = [];
    try {
      const values = await commit(batch.map((entry) => entry.work));
      batch.forEach((entry, i) => entry.resolve(values[i] as never));
    } catch (error) {
      // Nothing of the batch was written. One write alone gets its own error; in a larger batch,
      // each write is tried alone, so one bad write (or a deadlock between batches) fails only itself.
      if (batch.length === 1) batch[0]?.reject(error);
      else for (const entry of batch) await settleAlone(entry);
    } finally {
      committing = false;
      schedule();
    }
  }

  return {
    write<T>(work: W): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ work, resolve: resolve, reject });
        schedule();
      });
    },
  };
}
