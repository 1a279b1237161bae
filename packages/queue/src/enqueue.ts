/**
 * Adds messages to the queue, each a BullMQ job whose id is the message's `%message_id%`:
 * `<campaign>-<id>`, with ids that are stable across runs (a CSV row's line). Enqueuing the same
 * messages again adds nothing twice: a job still in the queue keeps its id, and a message a worker
 * already took is left out (one that failed in a way where nothing arrived is enqueued again).
 */
import { type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { isBadRow, type BadRow, type BulkItem, type BulkMessage } from 'switchboard/internal/bulk/items.js';
import { createLedger } from './ledger.js';

/** Job options of the queue: one attempt (the connector retries; see the README), kept after a worker error for `status`. */
export const JOB_OPTIONS = { attempts: 1, removeOnComplete: true, removeOnFail: false } as const;

/** What a worker gets: the account file to send through, and the message. */
export interface QueueJob {
  /** The account file's absolute path; every worker machine must have it at that path. */
  readonly account: string;
  readonly to: string;
  readonly body: string;
  /** `%message_id%`: `<campaign>-<id>`; also the job's id. */
  readonly messageId: string;
}

/** What enqueuing did. */
export interface EnqueueSummary {
  readonly campaign: string;
  /** Jobs added (or already waiting in the queue under the same id). */
  enqueued: number;
  /** Messages a worker already took (sent, failed for good, or ambiguous): not added again. */
  alreadyTaken: number;
  /** Jobs already in the queue under the same id: not added again. */
  alreadyQueued: number;
  badRows: BadRow[];
}

/** Options of {@link enqueueMessages}. */
export interface EnqueueOptions {
  /** The account file, absolute. */
  readonly account: string;
  /** Prefix of every message id; see `defaultCampaign` (campaign.ts). */
  readonly campaign: string;
  /** Jobs per Redis round trip. Default 500. */
  readonly batch?: number;
}

/** Enqueues every message of `items` on `queue`; bad rows are only reported. */
export async function enqueueMessages(
  queue: Queue,
  redis: Redis,
  items: AsyncIterable<BulkItem> | Iterable<BulkItem>,
  options: EnqueueOptions,
): Promise<EnqueueSummary> {
  const ledger = createLedger(redis, queue.name);
  const summary: EnqueueSummary = {
    campaign: options.campaign,
    enqueued: 0,
    alreadyTaken: 0,
    alreadyQueued: 0,
    badRows: [],
  };
  const batchSize = options.batch ?? 500;
  let batch: BulkMessage[] = [];
  const flush = async () => {
    const jobs = batch.map((m): QueueJob => ({
      account: options.account,
      to: m.to,
      body: m.body,
      messageId: `${options.campaign}-${m.id}`,
    }));
    batch = [];
    const taken = await ledger.taken(jobs.map((j) => j.messageId));
    const fresh = jobs.filter((_, i) => !taken[i]);
    summary.alreadyTaken += jobs.length - fresh.length;
    const queued = await inQueue(
      queue,
      redis,
      fresh.map((j) => j.messageId),
    );
    const added = fresh.filter((_, i) => !queued[i]);
    summary.alreadyQueued += fresh.length - added.length;
    // The same id added twice (two enqueues at once) is still one job: BullMQ keeps the first.
    await queue.addBulk(added.map((data) => ({ name: 'send', data, opts: { ...JOB_OPTIONS, jobId: data.messageId } })));
    summary.enqueued += added.length;
  };
  for await (const item of items) {
    if (isBadRow(item)) summary.badRows.push(item);
    else batch.push(item);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return summary;
}

/** Whether a job with each id exists in the queue (waiting, active, delayed or kept after failing). */
async function inQueue(queue: Queue, redis: Redis, ids: readonly string[]): Promise<boolean[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.exists(queue.toKey(id));
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((_, i) => replies[i]?.[1] === 1);
}
