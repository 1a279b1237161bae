/**
 * The flush of SQLite's write-ahead log, off the event loop. The store runs SQLite with
 * `synchronous = NORMAL`: a commit writes its pages to the WAL file (so a process killed right after
 * keeps them: they are in the operating system's cache) but does not wait for the disk. Before any
 * writer is answered, the group commit calls {@link WalSync.sync}, an `fdatasync` of that same file
 * on libuv's thread pool: the same guarantee as `synchronous = FULL` (the WAL is on disk before the
 * write is acknowledged, so it survives power loss too), while the event loop goes on serving
 * requests during the flush instead of stopping for it. Checkpoints stay SQLite's: with NORMAL it
 * syncs the WAL before copying it into the database and the database after
 * (https://sqlite.org/pragma.html#pragma_synchronous, https://sqlite.org/wal.html).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The WAL file of one open database. */
export interface WalSync {
  /** Resolves once everything committed so far is on disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * At most this many flushes run at once (each holds one of libuv's four pool threads, which file
 * reads and password hashing share); writers that come meanwhile share one flush that starts when
 * a running one ends, so they are never answered by a flush that began before their commit.
 */
const MOST_AT_ONCE = 2;

/**
 * The WAL of the SQLite database `file`, opened at the first sync (SQLite creates it at the first
 * write and keeps it while a connection is open). The directory is synced once too, so the file's
 * own entry survives power loss.
 * @example const wal = walSync('gateway.db'); db.prepare(sql).run(); await wal.sync();
 */
export function walSync(file: string): WalSync {
  let handle: Promise<FileHandle> | undefined;
  let running = 0;
  let waiting: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  const openWal = async (): Promise<FileHandle> => {
    const wal = await open(`${file}-wal`, 'r+');
    try {
      const directory = await open(dirname(file), 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
      return wal;
    } catch (error) {
      await wal.close();
      throw error;
    }
  };
  const flush = async (): Promise<void> => {
    running++;
    try {
      handle ??= openWal().catch((error: unknown) => {
        handle = undefined;
        throw error;
      });
      await (await handle).datasync();
    } finally {
      running--;
      const next = waiting;
      waiting = undefined;
      if (next !== undefined) flush().then(next.resolve, next.reject);
    }
  };
  return {
    sync() {
      if (running < MOST_AT_ONCE) return flush();
      if (waiting === undefined) {
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<void>((yes, no) => {
          resolve = yes;
          reject = no;
        });
        waiting = { promise, resolve, reject };
      }
      return waiting.promise;
    },
    async close() {
      const opened = handle;
      handle = undefined;
      if (opened !== undefined) await (await opened.catch(() => undefined))?.close();
    },
  };
}
