/**
 * The gateway server (`switchboard serve`): opens the store, settles what a stopped process left
 * behind, makes every user's sender (so a bad account fails at start), and serves the app's
 * endpoints with Fastify. `close` is graceful: no new requests, acknowledged sends finish and are
 * recorded, then the store closes.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ConnectorOptions } from 'switchboard/internal/connector/options.js';
import { createAuthenticator, type AuthOptions } from './app/auth.js';
import { createInflight, type GatewayContext, type Log } from './app/context.js';
import { registerApiRoutes } from './api/routes.js';
import { registerAppRoutes } from './app/routes.js';
import { storedMessageRow } from './app/message-row.js';
import { deliver, userOf } from './app/deliver.js';
import { createSenders } from './app/senders.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { fastifyTrustProxy, type TrustProxy } from './config/trust-proxy.js';
import { createPusher, type PushOptions } from './push/pusher.js';
import { takeJob } from './queue/queued-send.js';
import { openSendQueue } from './queue/send-queue.js';
import { openPostgresStore } from './store/postgres-store.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { WebhookEvent } from 'switchboard/internal/webhook/events.js';
import { serverWithTimeouts, type ServerTimeouts } from './ops/http-server.js';
import { pathOf, safeLogger } from './ops/log-options.js';
import { createMetrics } from './ops/metrics.js';
import { startDispatcher, type DispatcherOptions } from './outbox/dispatcher.js';
import { createOutboxWriter, type OutboxWriter } from './outbox/events.js';
import { WEBHOOK_KEY_EXTRA_DAYS, type Store } from './store/store.js';
import { slugOf, webhookAccounts } from './webhooks/accounts.js';
import { ingestEvents, type IngestSummary } from './webhooks/ingest.js';
import { registerWebhookRoutes } from './webhooks/route.js';
import { announce } from './media/announce.js';
import { createMediaKeeper, type KeeperOptions } from './media/keeper.js';
import { registerMediaRoute } from './media/route.js';
import { createAutoReplier } from './webhooks/auto-reply.js';
import { statusCallbacks } from './webhooks/status-callback.js';

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** Fastify's logger option: false (default), true, or pino options. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Options for every provider connector (origin, dispatcher, timeouts, retry). */
  readonly connector?: ConnectorOptions;
  /** Options of the failed-login limiter. */
  readonly auth?: AuthOptions;
  /** Options of the push sender (dispatcher, backoff). */
  readonly push?: PushOptions;
  /**
   * The reverse proxies whose `X-Forwarded-For` entries are believed for the client address (a
   * hop count, or their addresses); by default none, and the address is the connection's peer.
   */
  readonly trustProxy?: TrustProxy | undefined;
  /** Request, header and keep-alive timeouts of the HTTP server (slow clients are cut off). */
  readonly timeouts?: ServerTimeouts;
  /** Retry delays and polling of inbound attachment downloads. */
  readonly media?: KeeperOptions;
  /** Options of the webhook dispatcher to the user's application (poll interval, undici dispatcher). */
  readonly outbox?: DispatcherOptions;
}

/** A running gateway. */
export interface Gateway {
  readonly app: FastifyInstance;
  readonly store: Store;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /**
   * Stores events that provider account `account` (its file as the gateway file names it) sent,
   * as if they had arrived at its webhook URL verified, and pushes new inbound messages. For
   * events received some other way; the gateway's own `/hooks/` routes verify and then do this.
   */
  ingest(account: string, events: readonly WebhookEvent[]): Promise<IngestSummary>;
  /** Stops gracefully. */
  close(): Promise<void>;
}

async function openStore(config: GatewayConfig, outbox: OutboxWriter): Promise<Store> {
  if (config.database.kind === 'sqlite') return openSqliteStore(config.database.file, outbox);
  return openPostgresStore(config.database.url, outbox);
}

/**
 * Starts a gateway on `port` and `host` (default 8080 on 127.0.0.1; put a TLS proxy in front).
 * @example const gateway = await startGateway(await loadGateway('gateway.json'), { port: 8080 });
 */
export async function startGateway(
  config: GatewayConfig,
  listen: { port?: number; host?: string } = {},
  options: GatewayOptions = {},
): Promise<Gateway> {
  // Events are written with their messages; the dispatcher, started below, is told after.
  let wake = () => undefined as void;
  const store = await openStore(
    config,
    createOutboxWriter(config.subscriptions, () => wake()),
  );
  const app = Fastify({
    logger: safeLogger(options.logger),
    bodyLimit: config.limits.bodyBytes,
    trustProxy: fastifyTrustProxy(options.trustProxy),
    return503OnClosing: true,
    serverFactory: serverWithTimeouts(options.timeouts),
  });
  // An explicit statusCallback in the options wins; otherwise each account reports to its own hook.
  const callbacks = options.connector?.statusCallback === undefined ? statusCallbacks(config) : () => undefined;
  const queue = config.queue === undefined ? undefined : openSendQueue(config.queue);
  // Every send checks the opt-outs first; keyword replies (the confirmation of a STOP) go past them.
  const suppression = options.connector?.suppression ?? store.optOuts;
  const senders = createSenders({ ...options.connector, suppression }, callbacks, queue?.limiterFor);
  const replySenders = createSenders(options.connector, callbacks, queue?.limiterFor);
  try {
    for (const user of config.users) for (const number of user.numbers) senders.forUser(user, number);
  } catch (error) {
    await queue?.close();
    await store.close();
    throw error;
  }
  const log: Log = app.log;
  const inflight = createInflight();
  const metrics = createMetrics(() => inflight.size, queue === undefined ? undefined : () => queue.waiting());
  const pusher = createPusher(config.push, store, log, options.push, (result) => metrics.pushes.inc({ result }));
  const media = createMediaKeeper(config, store, log, metrics, options.media);
  const mediaKey = await store.media.signingKey();
  const ctx: GatewayContext = {
    config,
    store,
    auth: createAuthenticator(config.users, options.auth, store.loginFailures),
    senders,
    queue,
    inflight,
    log,
    metrics,
    media,
    mediaKey,
    notify: (login, seq) => void ctx.inflight.track(pusher.notify(login, seq)),
    reply: (owed) => void ctx.inflight.track(replier(owed)),
  };
  const replier = createAutoReplier(config, replySenders, log);
  let closing = false;
  registerOperations(app, ctx, () => closing);
  registerAppRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerMediaRoute(app, ctx);
  const outbox = startDispatcher(config.subscriptions, store.outbox, log, metrics.registry, options.outbox);
  wake = () => outbox.wake();
  registerApiRoutes(app, ctx);
  await resume(ctx);
  await queue?.start(
    (job) => takeJob(ctx, job),
    (error) => ctx.log.error({ err: error.message }, 'send queue error'),
  );
  const retention = scheduleRetention(ctx);
  // With several processes on one database, survivors take over what a stopped one left.
  const takeover = ctx.store.shared ? setInterval(() => void resume(ctx).catch(() => undefined), 15_000) : undefined;
  takeover?.unref();
  const address = await app.listen({ port: listen.port ?? 8080, host: listen.host ?? '127.0.0.1' });
  let stopped: Promise<void> | undefined;
  return {
    app,
    store,
    url: address,
    ingest: async (account, events) => {
      const known = webhookAccounts(config).find((a) => a.label === account);
      const source = known ?? { id: slugOf(account), label: account, sendsFor: [account] };
      const summary = await ctx.inflight.track(ingestEvents(config, store, source, events));
      announce(ctx, summary.pushes);
      for (const owed of summary.replies) ctx.reply(owed);
      return summary;
    },
    // Once: a second call (a test's cleanup after its own close, two signals) waits for the first.
    close() {
      stopped ??= stop();
      return stopped;
    },
  };

  async function stop(): Promise<void> {
    closing = true;
    clearInterval(retention);
    clearInterval(takeover);
    await app.close(); // waits for requests in progress
    await pusher.close(); // pending push retries given up, pushes in flight cut after a bound
    await ctx.inflight.drained(); // sends that outlived their request, enqueues, first downloads
    await media.close(); // downloads of retried attachments in progress
    await queue?.close(); // the worker's sends in progress finish and are recorded
    await senders.close();
    await outbox.close(); // attempts in flight finish (bounded by their timeout) and are recorded
    await replySenders.close();
    await store.close();
  }
}

/** Health, readiness, metrics, and errors as `{"message"}` (what the app shows). */
function registerOperations(app: FastifyInstance, ctx: GatewayContext, closing: () => boolean): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.header('content-type', ctx.metrics.registry.contentType).send(text);
  });
  // A response while stopping closes its connection, so a keep-alive client does not hold the stop up.
  app.addHook('onSend', async (_request, reply) => {
    if (closing()) void reply.header('connection', 'close');
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const ready = !closing() && (await ctx.store.ping());
    if (ready) return reply.code(200).send({ ready });
    const why = closing() ? 'the gateway is stopping' : (ctx.store.damage ?? 'the database does not answer');
    return reply.code(503).send({ ready, message: why });
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const damage = ctx.store.damage;
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) ctx.log.error({ route: pathOf(request.url), err: damage ?? error.message }, 'request failed');
    // The app shows the message: a damaged database is the admin's to mend, not a bug to report.
    if (status >= 500 && damage !== undefined)
      return void reply
        .code(503)
        .send({ message: "the gateway's database is damaged; the gateway's admin must restore it" });
    void reply.code(status).send({ message: status >= 500 ? 'internal error; see the gateway log' : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ message: `no endpoint ${request.method} ${pathOf(request.url)}` });
  });
}

/**
 * Settles what a stopped process left: `intent` becomes ambiguous; `queued` (never sent) is sent
 * now, or put on the queue (again: a job still there is not added twice).
 */
async function resume(ctx: GatewayContext): Promise<void> {
  const { queued, ambiguous } = await ctx.store.recover();
  if (ambiguous > 0) ctx.log.warn({ ambiguous }, 'messages left in flight by a stopped gateway are marked ambiguous');
  for (const message of queued) {
    const user = await userOf(ctx, message);
    if (user === undefined) continue;
    const work: Promise<unknown> =
      ctx.queue === undefined ? deliver(ctx, user, storedMessageRow(ctx.store, message)) : ctx.queue.enqueue(message);
    void ctx.inflight.track(work).catch((error: unknown) => {
      ctx.log.error({ login: message.login, sms_id: message.seq, err: String(error) }, 'resumed send failed');
    });
  }
}

/**
 * Deletes old messages hourly when a retention is set, and webhook dedupe keys a year after that
 * (so a webhook replayed once its message is gone is still known as a repeat).
 */
function scheduleRetention(ctx: GatewayContext): NodeJS.Timeout | undefined {
  const days = ctx.config.limits.retentionDays;
  if (days === undefined) return undefined;
  const purge = () => {
    ctx.store.purge(Date.now() - days * 86_400_000).then(
      (deleted) => deleted > 0 && ctx.log.info({ deleted }, 'old messages deleted'),
      (error: unknown) => ctx.log.error({ err: String(error) }, 'deleting old messages failed'),
    );
    ctx.store.forgetWebhookKeys(Date.now() - (days + WEBHOOK_KEY_EXTRA_DAYS) * 86_400_000).then(
      (forgotten) => forgotten > 0 && ctx.log.info({ forgotten }, 'old webhook dedupe keys forgotten'),
      (error: unknown) => ctx.log.error({ err: String(error) }, 'forgetting old webhook dedupe keys failed'),
    );
  };
  purge();
  const timer = setInterval(purge, 3_600_000);
  timer.unref();
  return timer;
}
