/**
 * Adds messages to the queue, each a BullMQ job whose id is the message's `%message_id%`:
 * `<campaign>-<id>`, with ids that are stable across runs (a CSV row's line). Enqueuing the same
 * messages again adds nothing twice: a job still in the queue keeps its id, and a message a worker
 * already took is left out (one that failed in a way where nothing arrived is enqueued again).
 */
import { hostname } from 'node:os';
import { type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { isBadRow, type BadRow, type BulkItem, type BulkMessage } from 'switchboard/internal/bulk/items.js';
import { createLedger, type Ledger, type Outcome } from './ledger.js';

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
  /** Messages `refuse` refused (an opted-out recipient): recorded failed in the ledger, not added. */
  refused: Refused[];
  badRows: BadRow[];
}

/** A message refused at enqueue: its id, recipient, and the failure recorded for it. */
export interface Refused {
  readonly id: string;
  readonly to: string;
  readonly code: string | undefined;
  readonly error: string | undefined;
}

/** Options of {@link enqueueMessages}. */
export interface EnqueueOptions {
  /** The account file, absolute. */
  readonly account: string;
  /** Prefix of every message id; see `defaultCampaign` (campaign.ts). */
  readonly campaign: string;
  /** Jobs per Redis round trip. Default 500. */
  readonly batch?: number;
  /**
   * Asked for each message not yet taken: a failed outcome (say `RECIPIENT_OPTED_OUT`) refuses it,
   * recorded in the ledger as a worker would record it, so `status` lists it and enqueuing it again
   * adds nothing. Default: none refused.
   */
  readonly refuse?: (job: QueueJob) => Promise<Outcome | undefined>;
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
    refused: [],
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
    let fresh = jobs.filter((_, i) => !taken[i]);
    summary.alreadyTaken += jobs.length - fresh.length;
    if (options.refuse !== undefined) fresh = await withoutRefused(ledger, fresh, options.refuse, summary);
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

/** The refuser of messages at enqueue, as a ledger names who took a message. */
const ENQUEUER = `enqueue:${hostname()}:${process.pid}`;

/** `jobs` without those `refuse` refuses, which are recorded failed in the ledger (a job already queued then sends nothing). */
async function withoutRefused(
  ledger: Ledger,
  jobs: readonly QueueJob[],
  refuse: (job: QueueJob) => Promise<Outcome | undefined>,
  summary: EnqueueSummary,
): Promise<QueueJob[]> {
  const outcomes = await Promise.all(jobs.map(refuse));
  const kept: QueueJob[] = [];
  for (const [i, job] of jobs.entries()) {
    const outcome = outcomes[i];
    if (outcome === undefined) {
      kept.push(job);
      continue;
    }
    // Claimed like a send, so a worker that took it meanwhile keeps it (counted as taken).
    const claimed = await ledger.claim(job.messageId, job.to, ENQUEUER);
    if (claimed.decision !== 'send' || !(await ledger.record(job.messageId, claimed.token, outcome))) {
      summary.alreadyTaken += 1;
      continue;
    }
    summary.refused.push({ id: job.messageId, to: job.to, code: outcome.code, error: outcome.error });
  }
  return kept;
}

/** Whether a job with each id exists in the queue (waiting, active, delayed or kept after failing). */
async function inQueue(queue: Queue, redis: Redis, ids: readonly string[]): Promise<boolean[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.exists(queue.toKey(id));
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((_, i) => replies[i]?.[1] === 1);
}
