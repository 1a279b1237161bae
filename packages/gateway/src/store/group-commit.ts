/**
 * Group commit: every durable write that arrives in one event-loop turn goes into one transaction,
 * and each caller's promise resolves only after that transaction committed. A commit is the
 * expensive part of a write (the flush to disk: SQLite's WAL by `fdatasync`, PostgreSQL's WAL
 * flush at COMMIT), so sixteen sends that each need a write cost one flush instead of sixteen, and
 * no caller continues before its own write is on disk. One batch is committed at a time: writes
 * that arrive while it commits make the next batch. Where the flush is separate from the commit
 * (SQLite, {@link GroupCommitOptions.durable}), the next batch need not wait for the flush.
 */

/**
 * Commits `works` in one transaction and gives their results in order; rejects (writing nothing) if
 * any fails. An error with `committed: true` ({@link committedButNotDurable}) says the transaction
 * was committed but not made durable: its writes are not run again.
 */
export type CommitBatch<W> = (works: readonly W[]) => Promise<readonly unknown[]> | readonly unknown[];

/**
 * The error for a batch that SQLite committed but that could not be flushed to disk: its writers are
 * refused (their writes may be lost at a power cut) and never run a second time.
 */
export function committedButNotDurable(cause: unknown): Error & { readonly committed: true } {
  return Object.assign(new Error('the write was committed but could not be flushed to disk', { cause }), {
    committed: true as const,
  });
}

function isCommitted(error: unknown): boolean {
  return (error as { committed?: unknown } | undefined)?.committed === true;
}

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

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions {
  /**
   * Resolves once everything committed so far is on disk; rejects when the disk refused. Given
   * this, a committed batch no longer holds the next one back: the next batch commits while this
   * one is flushed, and their flushes overlap (the operating system serves concurrent flushes of
   * one file with one disk write: measured 0.19 ms a flush with four in flight against 1.5 ms one
   * after another). Each writer is still answered only after a flush that began after its commit.
   */
  readonly durable?: () => Promise<void>;
}

/**
 * Creates a group commit over `commit`, the store's way of running several writes in one
 * transaction (synchronously on SQLite, on one client on PostgreSQL).
 * @example const writes = createGroupCommit<() => unknown>((works) => db.transaction(() => works.map((w) => w()))());
 */
export function createGroupCommit<W>(commit: CommitBatch<W>, options: GroupCommitOptions = {}): GroupCommit<W> {
  let pending: Pending<W>[] = [];
  let scheduled = false;
  let committing = false;
  const { durable } = options;

  const schedule = () => {
    if (scheduled || committing || pending.length === 0) return;
    scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every write they asked for joins.
    setImmediate(() => void flush());
  };

  /** Waits for the flush of a committed batch; a refused flush refuses all its writers, never running them again. */
  const settle = async (batch: readonly Pending<W>[], values: readonly unknown[]) => {
    try {
      await durable?.();
    } catch (error) {
      const refusal = isCommitted(error) ? error : committedButNotDurable(error);
      for (const entry of batch) entry.reject(refusal);
      return;
    }
    batch.forEach((entry, i) => entry.resolve(values[i] as never));
  };

  const commitAlone = async (entry: Pending<W>) => {
    let values: readonly unknown[];
    try {
      values = await commit([entry.work]);
    } catch (error) {
      entry.reject(error);
      return;
    }
    await settle([entry], values);
  };

  async function flush(): Promise<void> {
    scheduled = false;
    committing = true;
    const batch = pending;
    pending = [];
    let values: readonly unknown[];
    try {
      values = await commit(batch.map((entry) => entry.work));
    } catch (error) {
      // Nothing of the batch was written. One write alone gets its own error; in a larger batch,
      // each write is tried alone, so one bad write (or a deadlock between batches) fails only itself.
      try {
        if (batch.length === 1 || isCommitted(error)) for (const entry of batch) entry.reject(error);
        else for (const entry of batch) await commitAlone(entry);
      } finally {
        committing = false;
        schedule();
      }
      return;
    }
    committing = false;
    schedule();
    await settle(batch, values);
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
