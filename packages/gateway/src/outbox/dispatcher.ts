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
import { attemptDelivery } from './attempt.js';
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

/** How long a claim holds a delivery: well past an attempt's own timeout. */
export function leaseFor(subscription: Subscription): number {
  return subscription.timeoutMs * 2 + 5_000;
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
  const inflight = new Map<string, number>();
  const claiming = new Set<string>();
  const again = new Set<string>();
  const running = new Set<Promise<void>>();
  let closed = false;

  const attempt = async (subscription: Subscription, delivery: Delivery) => {
    const result = await attemptDelivery(agent, subscription, delivery.id, delivery.payload);
    const settlement = result.ok
      ? { state: 'delivered' as const, nextMs: Date.now(), status: result.status, error: undefined }
      : afterFailure(subscription.retry, delivery, result);
    const held = await outbox.settle(delivery.id, settlement);
    const outcome = result.ok ? 'delivered' : settlement.state === 'dead' ? 'dead' : 'retry';
    counted.inc({ subscription: subscription.name, result: outcome });
    if (!held) log.warn({ subscription: subscription.name, id: delivery.id }, 'webhook delivery outlived its lease');
    if (!result.ok) {
      const fields = { subscription: subscription.name, id: delivery.id, attempts: delivery.attempts + 1 };
      if (outcome === 'dead') log.error({ ...fields, err: result.error }, 'webhook delivery dead-lettered');
      else
        log.warn(
          { ...fields, err: result.error, retryAt: new Date(settlement.nextMs).toISOString() },
          'webhook delivery failed',
        );
    }
  };

  const track = (subscription: Subscription, delivery: Delivery) => {
    inflight.set(subscription.name, (inflight.get(subscription.name) ?? 0) + 1);
    const work = attempt(subscription, delivery)
      .catch((error: unknown) => log.error({ id: delivery.id, err: String(error) }, 'webhook delivery not recorded'))
      .finally(() => {
        inflight.set(subscription.name, (inflight.get(subscription.name) ?? 1) - 1);
        running.delete(work);
        pump(subscription);
      });
    running.add(work);
  };

  /** Claims as many due deliveries as the subscription has free places, and starts them. */
  function pump(subscription: Subscription): void {
    if (closed) return;
    if (claiming.has(subscription.name)) {
      again.add(subscription.name);
      return;
    }
    const free = subscription.concurrency - (inflight.get(subscription.name) ?? 0);
    if (free <= 0) return;
    claiming.add(subscription.name);
    outbox
      .claim(subscription.name, free, leaseFor(subscription))
      .then(
        (claimed) => {
          for (const delivery of claimed) track(subscription, delivery);
          if (claimed.length === free) again.add(subscription.name);
        },
        (error: unknown) => log.error({ err: String(error) }, 'taking webhook deliveries failed'),
      )
      .finally(() => {
        claiming.delete(subscription.name);
        if (again.delete(subscription.name)) pump(subscription);
      });
  }

  let woken = false;
  const pumpAll = () => subscriptions.forEach(pump);
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
      while (running.size > 0 || claiming.size > 0) await Promise.race([...running, delay(10)]);
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
