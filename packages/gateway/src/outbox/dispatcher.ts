/**
 * The dispatcher: takes due deliveries from the outbox and POSTs them, per subscription at most
 * `concurrency` at once per process. A delivery is claimed under a lease before its attempt, so
 * gateway processes on one PostgreSQL share the work and never try one delivery at once, and a
 * process killed mid-attempt leaves the delivery to be tried again once its lease runs out
 * (at-least-once; the receiver dedupes by `webhook-id`). It looks when the store says events were
 * written in this process, and every `pollMs` for the others' and for retries that fell due.
 */
import { Agent, type Dispatcher } from 'undici';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Log } from '../app/context.js';
import { afterFailure } from './backoff.js';
import { attemptDelivery, type AttemptResult } from './attempt.js';
import type { Delivery } from './outbox-sql.js';
import type { OutboxStore } from './outbox-store.js';
import type { Subscription } from './subscriptions.js';

/** Options of {@link startDispatcher}. */
export interface DispatcherOptions {
  /** How often to look for due deliveries without being told. Default 1000 ms. */
  readonly pollMs?: number;
  /** The undici dispatcher deliveries go through (a proxy, custom TLS); default an Agent of its own. */
  readonly dispatcher?: Dispatcher;
  /** Delivered deliveries are forgotten this long after (dead ones stay). Default 30 days. */
  readonly keepDeliveredMs?: number;
}

/** A running dispatcher. */
export interface OutboxDispatcher {
  /** Look for due deliveries soon (events were just committed). */
  wake(): void;
  /** Stops taking deliveries, lets attempts in flight finish, gives back what it holds. */
  close(): Promise<void>;
}

/** How long results wait to be recorded together. */
const SETTLE_DELAY_MS = 50;

/** How many deliveries a process takes at once per subscription: a few rounds of its concurrency. */
const PREFETCH_ROUNDS = 4;

/**
 * How long a claim of `count` deliveries holds them: long enough for all of them to be tried at
 * the subscription's concurrency, each within its timeout, and then some.
 */
export function leaseFor(subscription: Subscription, count: number): number {
  return subscription.timeoutMs * (Math.ceil(count / subscription.concurrency) + 1) + 5_000;
}

/** One subscription's deliveries in this process: taken and waiting, in flight, being taken. */
interface Lane {
  readonly subscription: Subscription;
  readonly waiting: Delivery[];
  inflight: number;
  claiming: boolean;
  /** The last claim took all it asked for: there may be more, so take again without being told. */
  more: boolean;
}

/**
 * Starts delivering `subscriptions` from `outbox`; metrics go to `registry`.
 * @example const dispatcher = startDispatcher(config.subscriptions, store.outbox, log, metrics.registry);
 */
export function startDispatcher(
  subscriptions: readonly Subscription[],
  outbox: OutboxStore,
  log: Log,
  registry: Registry,
  options: DispatcherOptions = {},
): OutboxDispatcher {
  const agent = options.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, connections: 64 });
  const counted = metricsOf(registry, outbox);
  const lanes = subscriptions.map((subscription): Lane => ({
    subscription,
    waiting: [],
    inflight: 0,
    claiming: false,
    more: true,
  }));
  const running = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(work: Promise<T>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
    return work;
  };

  /** Records an attempt's result; the lane's place is free again as soon as the attempt ended. */
  const settle = async (subscription: Subscription, delivery: Delivery, result: AttemptResult) => {
    const settlement = result.ok
      ? { state: 'delivered' as const, nextMs: Date.now(), status: result.status, error: undefined }
      : afterFailure(subscription.retry, delivery, result);
    const held = await outbox.settle(delivery.id, settlement);
    const outcome = result.ok ? 'delivered' : settlement.state === 'dead' ? 'dead' : 'retry';
    counted.inc({ subscription: subscription.name, result: outcome });
    if (!held) log.warn({ subscription: subscription.name, id: delivery.id }, 'webhook delivery outlived its lease');
    if (result.ok) return;
    const fields = { subscription: subscription.name, id: delivery.id, attempts: delivery.attempts + 1 };
    if (outcome === 'dead') log.error({ ...fields, err: result.error }, 'webhook delivery dead-lettered');
    else
      log.warn(
        { ...fields, err: result.error, retryAt: new Date(settlement.nextMs).toISOString() },
        'webhook delivery failed',
      );
  };

  const start = (lane: Lane, delivery: Delivery) => {
    const { subscription } = lane;
    lane.inflight++;
    void track(
      attemptDelivery(agent, subscription, delivery.id, delivery.payload).then((result) => {
        lane.inflight--;
        pump(lane, false);
        return record(() => settle(subscription, delivery, result));
      }),
    );
  };

  // Results are recorded a few milliseconds late, together: one commit for many deliveries instead
  // of one each. A crash in between sends those again (at-least-once; the webhook-id is the same).
  let results: (() => Promise<void>)[] = [];
  let flushing: Promise<void> | undefined;
  const record = (work: () => Promise<void>): Promise<void> => {
    results.push(work);
    flushing ??= track(
      delay(SETTLE_DELAY_MS).then(async () => {
        const batch = results;
        results = [];
        flushing = undefined;
        await Promise.all(
          batch.map((settleOne) =>
            settleOne().catch((error: unknown) => log.error({ err: String(error) }, 'webhook delivery not recorded')),
          ),
        );
      }),
    );
    return flushing;
  };

  /**
   * Starts what the lane has taken, as places free up, and takes more when it runs low: when told
   * (`looked`: woken or the poll), or when its last claim suggested there is more.
   */
  function pump(lane: Lane, looked: boolean): void {
    if (closed) return;
    const { subscription } = lane;
    while (lane.inflight < subscription.concurrency && lane.waiting.length > 0)
      start(lane, lane.waiting.shift() as Delivery);
    if (lane.claiming || lane.waiting.length >= subscription.concurrency || !(looked || lane.more)) return;
    const count = subscription.concurrency * PREFETCH_ROUNDS - lane.waiting.length;
    lane.claiming = true;
    void track(
      outbox
        .claim(subscription.name, count, leaseFor(subscription, count + lane.waiting.length))
        .then(
          (claimed) => {
            lane.more = claimed.length === count;
            lane.waiting.push(...claimed);
          },
          (error: unknown) => {
            lane.more = false;
            log.error({ err: String(error) }, 'taking webhook deliveries failed');
          },
        )
        .finally(() => {
          lane.claiming = false;
          pump(lane, false);
        }),
    );
  }

  let woken = false;
  const pumpAll = () => lanes.forEach((lane) => pump(lane, true));
  const poll = setInterval(pumpAll, options.pollMs ?? 1_000);
  poll.unref();
  const keep = options.keepDeliveredMs ?? 30 * 86_400_000;
  const purge = () => void outbox.purgeDelivered(Date.now() - keep).catch(() => undefined);
  const purging = setInterval(purge, 3_600_000);
  purging.unref();
  void dropOrphans(subscriptions, outbox, log).finally(pumpAll);

  return {
    wake() {
      if (woken || closed) return;
      woken = true;
      // After the transaction that wrote the events has committed.
      setImmediate(() => {
        woken = false;
        pumpAll();
      });
    },
    async close() {
      closed = true;
      clearInterval(poll);
      clearInterval(purging);
      while (running.size > 0) await Promise.race([...running, delay(10)]);
      // What was taken and not started goes back at once, for another process (or the next start).
      await outbox.release().catch(() => undefined);
      if (options.dispatcher === undefined) await agent.close();
    },
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Dead-letters pending deliveries of subscriptions no longer in the config, saying so. */
async function dropOrphans(subscriptions: readonly Subscription[], outbox: OutboxStore, log: Log): Promise<void> {
  const names = new Set(subscriptions.map((s) => s.name));
  try {
    for (const name of await outbox.pendingSubscriptions()) {
      if (names.has(name)) continue;
      const dropped = await outbox.orphan(name, 'the subscription is no longer in the gateway file');
      log.warn({ subscription: name, dropped }, 'pending webhook deliveries of a removed subscription dead-lettered');
    }
  } catch (error) {
    log.error({ err: String(error) }, 'looking for deliveries of removed subscriptions failed');
  }
}

/** The deliveries counter, and the outbox's depth and age as gauges read at each scrape. */
function metricsOf(registry: Registry, outbox: OutboxStore): Counter<'subscription' | 'result'> {
  new Gauge({
    name: 'switchboard_gateway_webhook_outbox_pending',
    help: 'Webhook deliveries to the application waiting for a (first or next) attempt, across every gateway process.',
    registers: [registry],
    async collect() {
      this.set((await outbox.stats()).pending);
    },
  });
  new Gauge({
    name: 'switchboard_gateway_webhook_outbox_oldest_pending_seconds',
    help: 'Age of the oldest pending webhook delivery to the application (0 when none).',
    registers: [registry],
    async collect() {
      const { oldestMs } = await outbox.stats();
      this.set(oldestMs === undefined ? 0 : Math.max(0, (Date.now() - oldestMs) / 1000));
    },
  });
  return new Counter({
    name: 'switchboard_gateway_webhook_deliveries_total',
    help: 'Webhook delivery attempts to the application, by subscription and result (delivered, retry, dead).',
    labelNames: ['subscription', 'result'],
    registers: [registry],
  });
}
