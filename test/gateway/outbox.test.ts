/**
 * Issue 19 item 3: webhooks to the user's application. Events come out of the outbox signed per
 * Standard Webhooks, checked here with the specification's own `standardwebhooks` package (not our
 * code); a failed delivery is retried with the same webhook-id; one that runs out of its retry
 * window is dead-lettered, listed, and replayed by `gateway deliveries`; status changes of a sent
 * message are events too; a subscription limited to some users sees only theirs.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { gatewayFromValue, loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { type ConfigError } from '../../src/errors.js';
import type { InboundEvent, StatusEvent } from '../../src/webhook/events.js';
import type { RecordedRequest } from '../../src/fixtures/recording-server.js';
import { run } from '../helpers/cli.js';
import { writeGatewayFiles } from '../helpers/gateway.js';
import { until } from '../helpers/redis.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ALICE = { login: 'alice', password: 'pw-alice', numbers: ['+15550100001'] };
const BOB = { login: 'bob', password: 'pw-bob', numbers: ['+15550100002'] };
const ACCOUNT = 'provider-account.json';

/** Headers of a recorded request as the standardwebhooks package takes them. */
const headersOf = (r: RecordedRequest) =>
  Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)])) as Record<string, string>;

/** The event a delivery carries, verified by the official package (it throws when the signature is wrong). */
function verified(r: RecordedRequest) {
  return new Webhook(SECRET).verify(r.body, headersOf(r)) as {
    type: string;
    timestamp: string;
    data: Record<string, string | null>;
  };
}

/** A gateway with `subscriptions`, its users sending through a loopback provider; returns it and its file. */
async function gatewayWith(subscriptions: unknown[]) {
  const provider = await server(() => ({ status: 200, body: '{"sms_id":"p-1"}' }));
  const { file } = await writeGatewayFiles(provider.origin, [ALICE, BOB], { push: { enabled: false }, subscriptions });
  const gateway = await startGateway(await loadGateway(file), { port: 0 }, { connector: { retry: false } });
  return { gateway, file };
}

/** Stores an inbound message for `to`, as if its provider's verified webhook had brought it. */
function receive(gateway: Gateway, to: string, text: string, id: string) {
  const event: InboundEvent = {
    type: 'inbound',
    from: '+15551231234',
    to,
    text,
    providerMessageId: id,
    media: [],
    dedupeKey: id,
  };
  return gateway.ingest(ACCOUNT, [event]);
}

describe('webhooks to the application', () => {
  it('delivers an inbound message signed so that the standardwebhooks package verifies it', async () => {
    const app = await server(() => ({ status: 204 }));
    const { gateway } = await gatewayWith([
      { name: 'app', url: `${app.origin}/events`, events: ['message.received'], secret: SECRET },
    ]);
    try {
      await receive(gateway, ALICE.numbers[0] ?? '', 'Hi “there” & 100%', 'in-1');
      await until(() => app.requests.length === 1, 15_000, 'the delivery');
      const [request] = app.requests as [RecordedRequest];
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
      const event = verified(request);
      expect(event.type).toBe('message.received');
      expect(event.data).toMatchObject({ user: 'alice', smsId: '1', direction: 'in', from: '+15551231234' });
      expect(event.data).toMatchObject({ to: '+15550100001', text: 'Hi “there” & 100%', providerMessageId: 'in-1' });
      // Another secret does not verify it: the signature is over these bytes with this key.
      const other = new Webhook(`whsec_${randomBytes(32).toString('base64')}`);
      expect(() => other.verify(request.body, headersOf(request))).toThrow();
    } finally {
      await gateway.close();
    }
  });

  it('retries a delivery answered 500 with the same webhook-id, each attempt signed anew, until it is answered 2xx', async () => {
    let calls = 0;
    const app = await server(() => ({ status: ++calls <= 2 ? 500 : 200, body: 'try again' }));
    const retry = { initialDelayMs: 20, maxDelayMs: 40 };
    const sub = { name: 'app', url: app.origin, events: ['message.received'], secret: SECRET, retry };
    const { gateway, file } = await gatewayWith([sub]);
    try {
      await receive(gateway, ALICE.numbers[0] ?? '', 'retry me', 'in-2');
      await until(() => app.requests.length === 3, 15_000, 'three attempts');
      const ids = app.requests.map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(1);
      for (const request of app.requests) expect(verified(request).data.text).toBe('retry me');
      const listed = await until(
        async () => {
          const out = await run('gateway', 'deliveries', 'list', '--state', 'delivered', '--json', '--config', file);
          return (JSON.parse(out.out) as unknown[]).length === 1;
        },
        15_000,
        'the delivery recorded as delivered',
      ).then(() => run('gateway', 'deliveries', 'list', '--state', 'delivered', '--json', '--config', file));
      const [row] = JSON.parse(listed.out) as { id: string; attempts: number; lastStatus: number }[];
      expect(row).toMatchObject({ id: ids[0], attempts: 3, lastStatus: 200 });
    } finally {
      await gateway.close();
    }
  });

  it('dead-letters a delivery at the end of its retry window, counts it, and replays it with its webhook-id', async () => {
    let up = false;
    const app = await server(() => ({ status: up ? 200 : 503 }));
    const sub = {
      name: 'app',
      url: app.origin,
      events: ['message.received'],
      secret: SECRET,
      retry: { giveUpAfterMs: 0 },
    };
    const { gateway, file } = await gatewayWith([sub]);
    try {
      await receive(gateway, ALICE.numbers[0] ?? '', 'dead letter', 'in-3');
      const dead = async () =>
        JSON.parse((await run('gateway', 'deliveries', 'list', '--state', 'dead', '--json', '--config', file)).out) as {
          id: string;
          lastError: string;
        }[];
      await until(async () => (await dead()).length === 1, 15_000, 'the dead letter');
      const [letter] = await dead();
      expect(letter?.lastError).toBe('HTTP 503');
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toContain('switchboard_gateway_webhook_deliveries_total{subscription="app",result="dead"} 1');
      expect(metrics).toContain('switchboard_gateway_webhook_outbox_pending 0');
      up = true;
      const replayed = await run('gateway', 'deliveries', 'replay', letter?.id ?? '', '--config', file);
      expect(replayed.code).toBe(0);
      expect(replayed.err).toContain('1 dead delivery pending again');
      await until(() => app.requests.length === 2, 15_000, 'the replayed delivery');
      expect(app.requests[1]?.headers['webhook-id']).toBe(letter?.id);
      expect(verified(app.requests[1] as RecordedRequest).data.text).toBe('dead letter');
    } finally {
      await gateway.close();
    }
  });

  it('sends status events of a sent message, and a subscription limited to bob sees none of alice’s', async () => {
    const app = await server(() => ({ status: 200 }));
    const bobs = await server(() => ({ status: 200 }));
    const { gateway } = await gatewayWith([
      { name: 'all', url: app.origin, events: ['message.status'], secret: SECRET },
      { name: 'bob', url: bobs.origin, events: ['message.status', 'message.received'], secret: SECRET, users: ['bob'] },
    ]);
    try {
      const sent = await fetch(`${gateway.url}/acrobits/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'pw-alice', to: '+15557654321', body: 'Hello' }),
      });
      expect(sent.status).toBe(200);
      const uid = (await gateway.store.message('alice', 1))?.uid;
      const report: StatusEvent = {
        type: 'status',
        providerMessageId: 'p-1',
        messageId: uid ?? '',
        status: 'delivered',
        dedupeKey: 'dlr-1',
      };
      await gateway.ingest(ACCOUNT, [report]);
      await receive(gateway, ALICE.numbers[0] ?? '', 'not for bob', 'in-4');
      await until(() => app.requests.length === 2, 15_000, 'two status events');
      const statuses = app.requests.map((r) => verified(r).data);
      expect(statuses.map((d) => d.status)).toEqual(['sent', 'delivered']);
      expect(statuses[1]).toMatchObject({ id: uid, direction: 'out', from: '+15550100001', to: '+15557654321' });
      expect(new Set(app.requests.map((r) => r.headers['webhook-id'])).size).toBe(2);
      expect(bobs.requests).toEqual([]);
    } finally {
      await gateway.close();
    }
  });
});

describe('subscriptions in gateway.json', () => {
  const base = async (subscription: Record<string, unknown>) => {
    const { dir, file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE]);
    const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    return gatewayFromValue({ ...value, subscriptions: [subscription] }, 'gateway.json', dir, {});
  };
  const issuesOf = async (subscription: Record<string, unknown>) =>
    base(subscription).then(
      () => [],
      (error: unknown) => (error as ConfigError).issues.map((i) => `${i.pointer}: ${i.message}`),
    );

  it('refuses a short secret, a missing environment variable, plain http to another host, and an unknown user', async () => {
    const ok = { url: 'https://app.example.com/hooks', events: ['message.status'], secret: SECRET };
    expect(await issuesOf({ ...ok, secret: 'whsec_c2hvcnQ=' })).toEqual([
      '/subscriptions/0/secret: must be whsec_ followed by the base64 of 24 to 64 random bytes (whsec_$(openssl rand -base64 32))',
    ]);
    expect(await issuesOf({ ...ok, secret: { env: 'APP_WEBHOOK_SECRET' } })).toEqual([
      '/subscriptions/0/secret: reads environment variable APP_WEBHOOK_SECRET, which is not set',
    ]);
    expect((await issuesOf({ ...ok, url: 'http://app.example.com/hooks' }))[0]).toMatch(
      /^\/subscriptions\/0\/url: must be https/,
    );
    expect(await issuesOf({ ...ok, url: 'http://app.example.com/hooks', allowHttp: true })).toEqual([]);
    expect(await issuesOf({ ...ok, users: ['carol'] })).toEqual([
      '/subscriptions/0/users/0: names "carol", who is not a user of this gateway',
    ]);
    const schema = await issuesOf({ ...ok, events: ['message.sent'] });
    expect(schema.join('\n')).toContain('/subscriptions/0/events/0');
    // Unnamed, it is named by its URL without the query, which may carry a token.
    const named = await base({ ...ok, url: 'https://app.example.com/hooks?token=abc' });
    expect(named.subscriptions[0]?.name).toBe('https://app.example.com/hooks');
    // The secret's value is in no issue.
    expect((await issuesOf({ ...ok, secret: 'whsec_c2hvcnQ=' })).join('\n')).not.toContain('c2hvcnQ');
  });
});
