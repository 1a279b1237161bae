/**
 * Plays the Acrobits app against a real gateway on 127.0.0.1 (real SQLite file, the demo provider
 * as upstream, a loopback push service): the Account XML from `gateway account-xml`, loaded by
 * Switchboard's Acrobits loader, drives Send, Push Token Reporter and Fetch. The same on SQLite and
 * on a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connector } from '../../src/connector/connector.js';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { run } from '../helpers/cli.js';
import { appFromXml, setPublicUrl, writeGatewayFiles } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const ALICE = { login: 'alice', password: 'correct-horse-battery', numbers: ['+15550100001', '+15550100002'] };
const BOB = { login: 'bob', password: 'bobs-own-secret', numbers: ['+15550100009'] };
const TEXT = 'Tom & Jerry say "50% off" <today>\n\\ tab\t and 🎉 ünïcødé';

let provider: DemoServer;
let push: RecordingServer;
let gateway: Gateway;
let file: string;
let phone: Connector;
let tablet: Connector;

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

/** The database part of the gateway file for each store. */
const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'app') } })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('on %s', (_name, databaseOf) => {
  beforeAll(async () => {
    provider = await startDemoServer();
    push = await startRecordingServer(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"status":200,"response":"OK"}',
    }));
    ({ file } = await writeGatewayFiles(provider.origin, [ALICE, BOB], {
      push: { url: `${push.origin}/pnm2/send` },
      limits: { bodyBytes: 4096 },
      ...(await databaseOf()),
    }));
    gateway = await startGateway(await loadGateway(file), { port: 0 });
    await setPublicUrl(file, gateway.url);
    const printed = await run('gateway', 'account-xml', '--config', file, '--user', 'alice');
    expect(printed.code).toBe(0);
    phone = appFromXml(printed.out, ALICE.password, 'install-phone');
    tablet = appFromXml(printed.out, ALICE.password, 'install-tablet');
  });

  afterAll(async () => {
    await phone.close();
    await tablet.close();
    await gateway.close();
    await provider.close();
    await push.close();
  });

  const smsIdOf = (body: string | undefined) => (JSON.parse(body ?? '{}') as { sms_id?: string }).sms_id;

  describe('the gateway, played by the app', () => {
    let firstId: string | undefined;

    it('sends through the provider and answers the sms_id that Fetch later shows', async () => {
      const [sent] = await phone.sendMessage({ to: '+1 555 123 1234', body: TEXT });
      expect(sent?.ok).toBe(true);
      firstId = smsIdOf(sent?.response?.body);
      expect(firstId).toBe('1');
      const upstream = provider.received.at(-1);
      const fields = JSON.parse(upstream?.body ?? '{}') as Record<string, string>;
      expect(fields.sms_body).toBe(TEXT);
      expect(fields.from).toBe('+15550100001');
      const fetched = await tablet.fetchMessages();
      expect(fetched.ok).toBe(true);
      expect(fetched.data?.sent).toHaveLength(1);
      expect(fetched.data?.sent[0]).toMatchObject({
        smsId: firstId,
        recipient: '+15551231234',
        streamId: '+15551231234',
        text: TEXT,
        contentType: 'text/plain',
      });
    });

    it('shows a message sent from another device in sent_smss, after the cursor, oldest first', async () => {
      const [second] = await tablet.sendMessage({ to: '+15551231234', body: 'second' });
      const [third] = await tablet.sendMessage({ to: '+15557654321', body: 'third' });
      const ids = [smsIdOf(second?.response?.body), smsIdOf(third?.response?.body)];
      const fetched = await phone.fetchMessages({ lastKnownSentSmsId: firstId ?? '' });
      expect(fetched.data?.sent.map((m) => [m.smsId, m.text])).toEqual([
        [ids[0], 'second'],
        [ids[1], 'third'],
      ]);
      const none = await phone.fetchMessages({ lastKnownSentSmsId: ids[1] ?? '' });
      expect(none.data?.sent).toEqual([]);
    });

    it('stores an inbound message once, pushes it to the device with its sms_id, and Fetch shows it', async () => {
      const report = await phone.reportPushToken({
        selector: 'SEL-PHONE',
        pushToken: 'token-phone',
        pushappid: 'com.example.app',
      });
      expect(report.ok).toBe(true);
      const event = {
        type: 'inbound' as const,
        from: '+15551231234',
        to: '+15550100002',
        text: TEXT,
        providerMessageId: 'SM-1',
        media: [],
        dedupeKey: 'SM-1',
      };
      const first = await gateway.ingest('provider-account.json', [event]);
      const again = await gateway.ingest('provider-account.json', [event]);
      expect([first.stored, again.stored, again.repeated]).toEqual([1, 0, 1]);
      const fetched = await tablet.fetchMessages();
      expect(fetched.data?.received).toHaveLength(1);
      const received = fetched.data?.received[0];
      expect(received).toMatchObject({ sender: '+15551231234', streamId: '+15551231234', text: TEXT });
      await vi.waitFor(() => expect(push.requests).toHaveLength(1), { timeout: 5000 });
      const pushed = JSON.parse(push.requests[0]?.body ?? '{}') as Record<string, unknown>;
      expect(pushed).toMatchObject({
        verb: 'NotifyTextMessage',
        AppId: 'com.example.app',
        DeviceToken: 'token-phone',
        Selector: 'SEL-PHONE',
        Id: received?.smsId,
        Message: TEXT,
      });
      const after = await tablet.fetchMessages({ lastKnownSmsId: received?.smsId ?? '' });
      expect(after.data?.received).toEqual([]);
    });

    it('keeps an inbound message for a number nobody owns as unrouted', async () => {
      const summary = await gateway.ingest('provider-account.json', [
        {
          type: 'inbound',
          from: '+15551231234',
          to: '+15559999999',
          text: 'lost?',
          providerMessageId: 'SM-2',
          media: [],
          dedupeKey: 'SM-2',
        },
      ]);
      expect(summary).toMatchObject({ stored: 0, unrouted: 1 });
    });

    it('answers a final provider error non-2xx with the provider’s message, which the app shows', async () => {
      const [refused] = await phone.sendMessage({ to: '+1 555 000 0000', body: 'nobody' });
      expect(refused?.ok).toBe(false);
      expect(refused?.status).toBe(502);
      expect(refused?.error).toContain('Invalid recipient');
    });
  });

  describe('the gateway, given bad input', () => {
    const post = (path: string, body: unknown) =>
      fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

    it('refuses a wrong password with 401 and a message, and sends nothing', async () => {
      const before = provider.received.length;
      const answer = await post('/acrobits/send', {
        username: 'alice',
        password: 'wrong',
        to: '+15551231234',
        body: 'x',
      });
      expect(answer).toEqual({ status: 401, body: { message: 'Wrong user name or password' } });
      expect(provider.received.length).toBe(before);
    });

    it('refuses sending from a number the user does not own', async () => {
      const answer = await post('/acrobits/send', {
        ...ALICE,
        username: 'alice',
        from: BOB.numbers[0],
        to: '+15551231234',
        body: 'x',
      });
      expect(answer.status).toBe(403);
      expect(answer.body.message).toContain('+15550100009 is not one of your numbers');
    });

    it('sends from another of the user’s own numbers when the app names it', async () => {
      const answer = await post('/acrobits/send', {
        username: 'alice',
        password: ALICE.password,
        from: '+15550100002',
        to: '+15551231234',
        body: 'from my second line',
      });
      expect(answer.status).toBe(200);
      const fields = JSON.parse(provider.received.at(-1)?.body ?? '{}') as Record<string, string>;
      expect(fields.from).toBe('+15550100002');
    });

    it('answers an oversized body 413 with a message', async () => {
      const answer = await post('/acrobits/send', { ...ALICE, username: 'alice', to: '+1555', body: 'x'.repeat(5000) });
      expect(answer.status).toBe(413);
      expect(typeof answer.body.message).toBe('string');
    });

    it('reads a garbage cursor as none rather than failing every later fetch', async () => {
      const answer = await post('/acrobits/fetch', {
        username: 'alice',
        password: ALICE.password,
        last_known_sms_id: 'not-an-id',
        last_known_sent_sms_id: '',
      });
      expect(answer.status).toBe(200);
      expect((answer.body.received_smss as unknown[]).length).toBe(1);
    });

    it('ignores an empty push token instead of erasing the stored one', async () => {
      const answer = await post('/acrobits/push-token', {
        username: 'alice',
        password: ALICE.password,
        selector: 'SEL-PHONE',
        pushToken: '',
        pushappid: '',
      });
      expect(answer.status).toBe(200);
      const [device] = await gateway.store.devices('alice');
      expect(device).toMatchObject({ selector: 'SEL-PHONE', pushToken: 'token-phone', pushAppId: 'com.example.app' });
    });
  });
});
