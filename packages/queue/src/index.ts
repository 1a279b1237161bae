/**
 * `switchboard/queue`: the distributed queue (BullMQ on Redis) for programs. A separate entry, so
 * that importing `switchboard` does not load the Redis client for those who send without a queue.
 */
export { openQueue } from './queue.js';
export { startWorker } from './worker.js';
export { queueLocation } from './location.js';
export { defaultCampaign } from './campaign.js';

export type { SwitchboardQueue } from './queue.js';
export type { QueueWorker, WorkerCounts, WorkerOptions } from './worker.js';
export type { QueueLocation } from './location.js';
export type { EnqueueOptions, EnqueueSummary, QueueJob, Refused } from './enqueue.js';
export type { QueueCounts, QueueStatus } from './status.js';
export type { Claim, Claimed, LedgerOutcome, Outcome } from './ledger.js';
