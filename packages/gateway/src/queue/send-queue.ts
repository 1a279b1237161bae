/**
 * The gateway's send queue (the `queue` setting, with PostgreSQL): Send stores the message as
 * always, then puts `{login, seq}` on BullMQ under the message's uid as job id (so putting it there
 * twice adds nothing); every gateway process runs a worker on the same queue. The message's text
 * stays in the database; Redis holds only the job, the queue's bookkeeping and the rate limits,
 * which are shared by every process through the same Redis pieces as `switchboard worker`.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { closeRedis, connectRedis } from '@switchboard/queue/internal/connection.js';
import { queueLocation } from '@switchboard/queue/internal/location.js';
import { accountLimiter } from '@switchboard/queue/internal/redis-rate-limiter.js';
import { stallSafe } from '@switchboard/queue/internal/worker.js';
import type { LimiterFor } from '../app/senders.js';
import type { GatewayQueueConfig } from '../config/gateway-config.js';
import type { StoredMessage } from '../store/store.js';

/** A job: which stored message to send. */
export interface SendJob {
  readonly login: string;
  readonly seq: number;
}

/**
 * Jobs are retried: the database's claim (`markIntent`, only from `queued`) decides whether a
 * message is sent, so a job run again after a database error sends at most once. Failed jobs are
 * kept a while to be looked at.
 */
const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: 1000,
} as const;

/** The queue of one gateway process. */
export interface SendQueue {
  /** Puts a stored message on the queue; nothing when its job is there already. */
  enqueue(message: StoredMessage): Promise<void>;
  /** Rate limits (and Retry-After holds) of each account, held in Redis for every process. */
  readonly limiterFor: LimiterFor;
  /** Jobs waiting to be sent (waiting, delayed or being retried), across every process. */
  waiting(): Promise<number>;
  /** Starts this process's worker; `take` sends one message. */
  start(take: (job: SendJob) => Promise<void>, onError: (error: Error) => void): Promise<void>;
  /** Stops taking jobs, lets those in progress finish, then closes the connection. */
  close(): Promise<void>;
}

/** Connects to the queue's Redis; rides out a Redis restart (commands wait until it is back). */
export function openSendQueue(config: GatewayQueueConfig): SendQueue {
  const location = queueLocation({ redis: config.redis, queue: config.name });
  const redis = connectRedis(location, true);
  const queue = new Queue<SendJob>(location.queue, { connection: redis });
  let worker: Worker<SendJob> | undefined;
  return {
    enqueue: async (message) => {
      await queue.add('send', { login: message.login, seq: message.seq }, { ...JOB_OPTIONS, jobId: message.uid });
    },
    limiterFor: (provider, account) => accountLimiter(redis, provider, account),
    async waiting() {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async start(take, onError) {
      redis.on('error', onError);
      worker = new Worker<SendJob>(location.queue, (job: Job<SendJob>) => take(job.data), {
        connection: redis,
        ...stallSafe(config.concurrency),
      });
      worker.on('error', onError);
      await worker.waitUntilReady();
    },
    async close() {
      await worker?.close();
      await queue.close();
      await closeRedis(redis);
    },
  };
}
