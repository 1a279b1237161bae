/**
 * A queue worker: takes jobs from the BullMQ queue and sends each through its account's connector,
 * with the journal's promise kept in Redis (see `ledger.ts`): claim, send, record. Any number of
 * workers, on any number of machines, share the queue, the ledger and the provider's rate limits.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type Job, type WorkerOptions as BullWorkerOptions } from 'bullmq';
import { outcomeOf } from 'switchboard/internal/bulk/send-many.js';
import { loadAccountAndProvider } from 'switchboard/internal/config/load-account.js';
import { createConnector, type Connector } from 'switchboard/internal/connector/connector.js';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import type { SuppressionStore } from 'switchboard/internal/suppression.js';
import { closeRedis, connectRedis } from './connection.js';
import { queueLocation, type QueueLocation } from './location.js';
import type { QueueJob } from './enqueue.js';
import { createLedger, type Claimed, type Outcome } from './ledger.js';
import { accountLimiter } from './redis-rate-limiter.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Jobs in progress at once. Default 8. */
  readonly concurrency?: number;
  /** Replace scheme, host and port of every provider URL (a sandbox, a test server). */
  readonly origin?: string;
  /**
   * Opt-outs to honour for every account: a recipient who opted out of the account's sender is
   * recorded failed with `RECIPIENT_OPTED_OUT` and no request; a provider's "opted out" answer is
   * recorded in it. Default none.
   */
  readonly suppression?: SuppressionStore;
  /**
   * How long a job stays this worker's without the worker renewing its lock (ms). A worker that
   * dies loses its jobs after this; another worker then records them ambiguous. Default 30000.
   */
  readonly lockDuration?: number;
  /** How often workers look for jobs whose lock lapsed (ms). Default 30000. */
  readonly stalledInterval?: number;
  /** Called after each job, with what became of it (`skipped`: another worker had already sent or failed it for good). */
  readonly onJob?: (id: string, what: keyof WorkerCounts, outcome?: Outcome) => void;
  /** Called for connection and processing errors (the worker keeps going). */
  readonly onError?: (error: Error) => void;
}

/** What this worker did so far. */
export interface WorkerCounts {
  sent: number;
  failed: number;
  /** Sent ambiguously by this worker, or found ambiguous (another worker stopped while sending it). */
  ambiguous: number;
  /** Already done by another worker: nothing sent. */
  skipped: number;
}

/** A running worker. */
export interface QueueWorker {
  readonly id: string;
  readonly counts: WorkerCounts;
  /** Resolves when the worker is connected and taking jobs. */
  ready(): Promise<void>;
  /** Stops taking jobs, lets the jobs in progress finish and record, then closes its connections. */
  close(): Promise<void>;
}

/**
 * Starts a worker on the queue `where.queue` (default `switchboard`) at `where.redis` (default
 * `redis://127.0.0.1:6379`); throws a `USAGE` error for a bad URL or queue name.
 * @example
 * const worker = startWorker({ redis: 'redis://10.0.0.5:6379', queue: 'spring-sale' }, { concurrency: 16 });
 * process.once('SIGTERM', () => worker.close());
 */
export function startWorker(
  where: { readonly redis?: string; readonly queue?: string } = {},
  options: WorkerOptions = {},
): QueueWorker {
  const location: QueueLocation = queueLocation(where);
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const redis = connectRedis(location, true);
  const ledger = createLedger(redis, location.queue);
  const connectors = new Map<string, Promise<Connector>>();
  const counts: WorkerCounts = { sent: 0, failed: 0, ambiguous: 0, skipped: 0 };
  redis.on('error', (error: Error) => options.onError?.(error));

  const connectorFor = (path: string): Promise<Connector> => {
    let connector = connectors.get(path);
    if (connector === undefined) {
      connector = openAccount(path, redis, concurrency, options);
      connectors.set(path, connector);
      connector.catch(() => connectors.delete(path)); // a file fixed later is read again
    }
    return connector;
  };

  const processJob = async (job: Job<QueueJob>): Promise<string> => {
    const { account, to, body, messageId } = job.data;
    let connector: Connector;
    try {
      connector = await connectorFor(account);
    } catch (error) {
      // Nothing was sent by this worker: recorded failed and retryable (so enqueuing it again, once
      // fixed, sends it), but only after claiming it like a send would. A message another worker
      // took (and maybe sent) before it stopped stays that worker's: ambiguous, not "failed".
      const code = error instanceof SwitchboardError ? error.code : 'CONFIG_INVALID';
      return settle(messageId, to, undefined, {
        event: 'failed',
        to,
        status: 0,
        code,
        error: `cannot use the account ${account}: ${(error as Error).message}`,
        retryable: true,
        durationMs: 0,
      });
    }
    // The claim (the ledger's intent, and what keeps two workers from sending one message) is made
    // when the request is about to be written: a worker that dies while the rate limits, a
    // connection or a retry pause hold the message has not claimed it, so another worker sends it.
    let claimed: Claimed | undefined;
    const beforeSend = async () => {
      claimed = await ledger.claim(messageId, to, id);
      return claimed.decision === 'send';
    };
    const afterNotSent = async () => {
      const held = claimed;
      claimed = undefined;
      if (held !== undefined) await ledger.withdraw(messageId, held.token);
    };
    const [result] = await connector.sendMessage({ to, body, messageId, beforeSend, afterNotSent });
    return settle(messageId, to, claimed, outcomeOf({ id: messageId, to, body }, result!));
  };

  /**
   * Records `outcome` as the holder of the message's claim. A result that came without a claim
   * (the connector refused the message before sending: an invalid number, a worker without its
   * account) claims first; a claim this worker does not hold records nothing.
   */
  const settle = async (
    messageId: string,
    to: string,
    given: Claimed | undefined,
    outcome: Outcome,
  ): Promise<keyof WorkerCounts> => {
    const claimed = given ?? (await ledger.claim(messageId, to, id));
    if (claimed.decision !== 'send')
      return finish(messageId, claimed.decision === 'ambiguous' ? 'ambiguous' : 'skipped');
    if (!(await ledger.record(messageId, claimed.token, outcome)))
      options.onError?.(
        new SwitchboardError(
          'USAGE',
          `message ${messageId}: its intent is no longer this worker's (the queue was cleared?); outcome not recorded`,
        ),
      );
    return finish(messageId, outcome.event, outcome);
  };

  const finish = (messageId: string, what: keyof WorkerCounts, outcome?: Outcome): keyof WorkerCounts => {
    counts[what] += 1;
    options.onJob?.(messageId, what, outcome);
    return what;
  };

  const worker = new Worker<QueueJob, string>(location.queue, processJob, {
    connection: redis,
    ...stallSafe(concurrency, options),
  });
  worker.on('error', (error) => options.onError?.(error));

  return {
    id,
    counts,
    ready: async () => {
      await worker.waitUntilReady();
    },
    async close() {
      if (redis.status !== 'ready') {
        // Redis is not there: nothing can be in progress, and a polite close would wait for it forever.
        redis.disconnect();
        await Promise.race([worker.close(true).catch(() => undefined), sleep(1000, undefined, { ref: false })]);
        return;
      }
      await worker.close();
      await Promise.all(
        [...connectors.values()].map((c) =>
          c.then(
            (connector) => connector.close(),
            () => undefined,
          ),
        ),
      );
      await closeRedis(redis);
    },
  };
}

/**
 * BullMQ settings for workers whose jobs are claimed before sending (in the Redis ledger, or the
 * gateway's database): a job moved back after its worker's lock lapsed is safe to hand out again,
 * since the claim holds it ambiguous, so it is never failed for stalling.
 */
export function stallSafe(
  concurrency: number,
  options: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval'> = {},
): Omit<BullWorkerOptions, 'connection'> {
  return {
    concurrency,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: 100,
  };
}

/**
 * The connector of one account file, holding the provider's limits in Redis. Always through Redis,
 * also without limits: a Retry-After one worker receives for this account holds every worker
 * sending through it (the account file is at the same path on every worker machine).
 */
async function openAccount(
  path: string,
  redis: ReturnType<typeof connectRedis>,
  concurrency: number,
  { origin, suppression }: Pick<WorkerOptions, 'origin' | 'suppression'>,
): Promise<Connector> {
  const { account, provider } = await loadAccountAndProvider(path);
  if (provider === undefined)
    throw new SwitchboardError('USAGE', `the account ${path} names no provider and defines no web service`);
  return createConnector({
    account,
    provider,
    ...(origin === undefined ? {} : { origin }),
    ...(suppression === undefined ? {} : { suppression }),
    rateLimiter: accountLimiter(redis, provider, path),
    concurrency,
  });
}
