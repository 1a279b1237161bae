/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways in one process,
 * as in tests, do not share counters). Every label takes values from a closed set — route
 * templates, result codes, verification results — never a number, login or URL, so the number of
 * series stays bounded however many requests arrive.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's counters. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** route: the route template (or `unmatched`); status: the HTTP status. */
  readonly requests: Counter<'route' | 'method' | 'status'>;
  /** code: the send result's code (`OK`, `PROVIDER_ERROR`, …). */
  readonly sends: Counter<'code'>;
  /** result: `verified`, or the failure code (`WEBHOOK_UNVERIFIED`, …). */
  readonly webhooks: Counter<'result'>;
  /** outcome: `stored`, `repeated`, `unrouted`, `status`. */
  readonly webhookEvents: Counter<'outcome'>;
  /** result: `ok`, `gone` (token dropped), `retry` (gave up after retries), `final` (refused), `error`. */
  readonly pushes: Counter<'result'>;
  /** result: `stored`, `retry` (tried again later), `failed` (given up). */
  readonly mediaDownloads: Counter<'result'>;
}

/**
 * Creates the metrics; `depth` reads the work in flight (sends and pushes the gateway still owes),
 * and `queued`, with a send queue, the jobs waiting on it.
 */
export function createMetrics(depth: () => number, queued?: () => Promise<number>): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_gateway_process_' });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name: `switchboard_gateway_${name}`, help, labelNames, registers: [registry] });
  new Gauge({
    name: 'switchboard_gateway_inflight',
    help: 'Sends and pushes acknowledged and not yet finished (the queue depth).',
    registers: [registry],
    collect() {
      this.set(depth());
    },
  });
  if (queued !== undefined)
    new Gauge({
      name: 'switchboard_gateway_queue_waiting',
      help: 'Sends waiting on the shared BullMQ queue, across every gateway process.',
      registers: [registry],
      async collect() {
        this.set(await queued());
      },
    });
  return {
    registry,
    requests: counter('http_requests_total', 'HTTP requests answered, by route template and status.', [
      'route',
      'method',
      'status',
    ]),
    sends: counter('sends_total', 'Messages sent to a provider, by result code.', ['code']),
    webhooks: counter('webhooks_total', 'Provider webhook requests, by verification result.', ['result']),
    webhookEvents: counter('webhook_events_total', 'Events of verified webhooks, by what storing them did.', [
      'outcome',
    ]),
    pushes: counter('pushes_total', 'Pushes to devices, by result.', ['result']),
    mediaDownloads: counter('media_downloads_total', 'Attempts to download an inbound attachment, by result.', [
      'result',
    ]),
  };
}
