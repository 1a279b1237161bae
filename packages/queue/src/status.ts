/** What a queue holds and what its messages became, for `switchboard status`. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createLedger, type LedgerOutcome } from './ledger.js';

/** The counts of a queue. */
export interface QueueCounts {
  readonly queue: string;
  /** Jobs waiting for a worker (including delayed ones). */
  readonly waiting: number;
  /** Jobs a worker holds now. */
  readonly active: number;
  readonly sent: number;
  readonly failed: number;
  /** May have reached the provider; never sent again automatically. */
  readonly ambiguous: number;
  /** Jobs a worker could not process at all (a bug, not a send result); kept by BullMQ. */
  readonly errored: number;
}

/** The counts of a queue, and the messages that need a person. */
export interface QueueStatus extends QueueCounts {
  /** The ambiguous messages, in id order: look each up in the provider's log. */
  readonly ambiguousMessages: readonly LedgerOutcome[];
  /** The failed messages, in id order. */
  readonly failedMessages: readonly LedgerOutcome[];
}

/** Reads the counts of `queue`, without the lists. */
export async function queueCounts(queue: Queue, redis: Redis): Promise<QueueCounts> {
  const [jobs, counts] = await Promise.all([
    queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'failed'),
    createLedger(redis, queue.name).counts(),
  ]);
  return {
    queue: queue.name,
    waiting: (jobs.waiting ?? 0) + (jobs.delayed ?? 0) + (jobs.prioritized ?? 0),
    active: jobs.active ?? 0,
    ...counts,
    errored: jobs.failed ?? 0,
  };
}

/** Reads the status of `queue`. */
export async function queueStatus(queue: Queue, redis: Redis): Promise<QueueStatus> {
  const ledger = createLedger(redis, queue.name);
  const [counts, ambiguousMessages, failedMessages] = await Promise.all([
    queueCounts(queue, redis),
    ledger.list('ambiguous'),
    ledger.list('failed'),
  ]);
  return { ...counts, ambiguousMessages, failedMessages };
}
