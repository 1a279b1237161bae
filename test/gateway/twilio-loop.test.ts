/**
 * The whole loop with a real provider's webhooks, played by the Acrobits app: the Account XML from
 * `gateway account-xml` loaded by Switchboard's Acrobits loader; Send → the gateway → a loopback
 * server playing Twilio (201 with a sid); then Twilio-signed webhooks (signed by the twilio SDK)
 * posted to the URLs `gateway webhooks` prints: an inbound message, a status callback; a
 * loopback push service receives NotifyTextMessage; Fetch shows both directions byte for byte.
 * The gateway is reached directly while its public URL is another (as behind a TLS proxy), so the
 * signature over the public URL proves the URL is rebuilt from it. On SQLite and PostgreSQL.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connector } from '../../src/connector/connector.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { run } from '../helpers/cli.js';
import {
  TWILIO,
  appFromXml,
  setPublicUrl,
  twilioAnswer,
  twilioWebhook,
  writeTwilioGateway,
} from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const ALICE = { login: 'alice', password: 'alice-app-password-42', numbers: ['+15550100001'] };
const PUBLIC = 'https://sms.example.test';
const PEER = '+15551231234';
const OUT = "Tom & Jerry: “50% off” 'today' <b>\n🎉 ünïcødé & more";
const IN = "Re: “yes” & 'no' 👍🏽\nline two <tag> % 100%";
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'twilio') } })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('on %s', (_name, databaseOf) => {
  let twilio: RecordingServer;
  let push: RecordingServer;
  let gateway: Gateway;
  let phone: Connector;
  let tablet: Connector;
  let hooks: { account: string; endpoint: string; url: string }[];
  const logs: string[] = [];
  let listedText = '';

  beforeAll(async () => {
    twilio = await startRecordingServer(twilioAnswer());
    push = await startRecordingServer(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"status":200,"response":"OK"}',
    }));
    const { file } = await writeTwilioGateway([ALICE], PUBLIC, {
      push: { url: `${push.origin}/pnm2/send` },
      ...(await databaseOf()),
    });
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    gateway = await startGateway(
      await loadGateway(file),
      { port: 0 },
      { connector: { origin: twilio.origin }, logger: { level: 'info', stream } },
    );
    const listed = await run('gateway', 'webhooks', '--config', file, '--json');
    expect(listed.code).toBe(0);
    hooks = JSON.parse(listed.out) as typeof hooks;
    listedText = (await run('gateway', 'webhooks', '--config', file)).out;
    // The app reaches the gateway directly; the provider signs the public URL.
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
    await twilio.close();
    await push.close();
  });

  const hookUrl = (endpoint: string) => hooks.find((h) => h.endpoint === endpoint)?.url ?? '';
  /** Posts a Twilio-signed webhook to the gateway at the path of `publicUrl`. */
  const deliver = async (publicUrl: string, params: Record<string, string>, token?: string) => {
    const signed = await twilioWebhook(publicUrl, params, token);
    const response = await fetch(`${gateway.url}${new URL(publicUrl).pathname}${new URL(publicUrl).search}`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };
  const inbound = (sid: string, text: string, to = ALICE.numbers[0] ?? '') => ({
    AccountSid: TWILIO.sid,
    MessageSid: sid,
    SmsSid: sid,
    From: PEER,
    To: to,
    Body: text,
    NumMedia: '0',
    ApiVersion: '2010-04-01',
  });
  const status = (sid: string, value: string) => ({
    AccountSid: TWILIO.sid,
    MessageSid: sid,
    MessageStatus: value,
    From: ALICE.numbers[0] ?? '',
    To: PEER,
    ApiVersion: '2010-04-01',
  });
  const smsIdOf = (body: string | undefined) => (JSON.parse(body ?? '{}') as { sms_id?: string }).sms_id;

  it('lists one webhook URL per endpoint of the Twilio account, under the public URL', () => {
    expect(hooks.map((h) => [h.account, h.endpoint, h.url])).toEqual([
      ['twilio.json', 'status', `${PUBLIC}/hooks/twilio/status`],
      ['twilio.json', 'inbound', `${PUBLIC}/hooks/twilio/inbound`],
      ['twilio.json', 'events', `${PUBLIC}/hooks/twilio/events`],
    ]);
    expect(listedText).toContain(`twilio.json (twilio)\n  status     ${PUBLIC}/hooks/twilio/status\n`);
    expect(listedText).toContain('A message comes in');
    expect(Math.max(...listedText.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('sends, stores a signed inbound message once, pushes it once, and Fetch shows both byte for byte', async () => {
    const report = await phone.reportPushToken({ selector: 'SEL-1', pushToken: 'tok-1', pushappid: 'com.ex.app' });
    expect(report.ok).toBe(true);
    const [sent] = await phone.sendMessage({ to: PEER, body: OUT });
    expect(sent?.ok).toBe(true);
    const sentId = smsIdOf(sent?.response?.body);
    expect(sentId).toBe('1');
    expect(twilio.requests).toHaveLength(1);
    const form = new URLSearchParams(twilio.requests[0]?.body);
    expect([form.get('To'), form.get('From'), form.get('Body')]).toEqual([PEER, ALICE.numbers[0], OUT]);

    const first = await deliver(hookUrl('inbound'), inbound('SMin0001', IN));
    expect(first).toEqual({ status: 200, type: 'text/xml', body: TWIML });
    const again = await deliver(hookUrl('inbound'), inbound('SMin0001', IN));
    expect(again.status).toBe(200);

    await vi.waitFor(() => expect(push.requests).toHaveLength(1), { timeout: 5000 });
    const fetched = await tablet.fetchMessages();
    expect(fetched.data?.received.map((m) => [m.smsId, m.sender, m.streamId, m.text])).toEqual([['2', PEER, PEER, IN]]);
    expect(fetched.data?.sent.map((m) => [m.smsId, m.recipient, m.streamId, m.text])).toEqual([
      [sentId, PEER, PEER, OUT],
    ]);
    const pushed = JSON.parse(push.requests[0]?.body ?? '{}') as Record<string, unknown>;
    expect(pushed).toMatchObject({ verb: 'NotifyTextMessage', DeviceToken: 'tok-1', Selector: 'SEL-1', Id: '2' });
    expect(pushed.Message).toBe(IN);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(push.requests).toHaveLength(1);
  });

  it('moves the sent message to delivered on a signed status callback, and never back', async () => {
    const sid = `SM${'1'.padStart(32, '0')}`;
    const delivered = await deliver(hookUrl('status'), status(sid, 'delivered'));
    expect(delivered).toMatchObject({ status: 204, body: '' });
    expect((await gateway.store.message('alice', 1))?.status).toBe('delivered');
    await deliver(hookUrl('status'), status(sid, 'sent'));
    await deliver(hookUrl('status'), status(sid, 'failed'));
    expect((await gateway.store.message('alice', 1))?.status).toBe('delivered');
  });

  it('matches a status callback by our own id when the URL carries it (?sb=)', async () => {
    const [sent] = await phone.sendMessage({ to: PEER, body: 'second' });
    const id = Number(smsIdOf(sent?.response?.body));
    const uid = (await gateway.store.message('alice', id))?.uid ?? '';
    const answer = await deliver(`${hookUrl('status')}?sb=${uid}`, status('SM-not-ours', 'delivered'));
    expect(answer.status).toBe(204);
    expect((await gateway.store.message('alice', id))?.status).toBe('delivered');
  });

  it('shows only what is after the cursors, oldest first', async () => {
    await deliver(hookUrl('inbound'), inbound('SMin0002', 'later 1'));
    await deliver(hookUrl('inbound'), inbound('SMin0003', 'later 2'));
    const fetched = await tablet.fetchMessages({ lastKnownSmsId: '2', lastKnownSentSmsId: '1' });
    expect(fetched.data?.received.map((m) => [m.smsId, m.text])).toEqual([
      ['4', 'later 1'],
      ['5', 'later 2'],
    ]);
    expect(fetched.data?.sent.map((m) => [m.smsId, m.text])).toEqual([['3', 'second']]);
    const none = await tablet.fetchMessages({ lastKnownSmsId: '5', lastKnownSentSmsId: '3' });
    expect([none.data?.received, none.data?.sent]).toEqual([[], []]);
  });

  it('refuses a webhook that fails verification with 403 and stores nothing', async () => {
    const before = await tablet.fetchMessages({ lastKnownSmsId: '5', lastKnownSentSmsId: '3' });
    const pushes = push.requests.length;
    const forged = await deliver(hookUrl('inbound'), inbound('SMforged', 'forged'), 'not-the-token');
    expect([401, 403]).toContain(forged.status);
    const signed = await twilioWebhook(hookUrl('inbound'), inbound('SMtampered', 'original'));
    const tampered = await fetch(`${gateway.url}/hooks/twilio/inbound`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('original', 'changed!'),
    });
    expect([401, 403]).toContain(tampered.status);
    const after = await tablet.fetchMessages({ lastKnownSmsId: '5', lastKnownSentSmsId: '3' });
    expect(after.data?.received).toEqual(before.data?.received);
    expect(after.data?.received).toEqual([]);
    expect(push.requests.length).toBe(pushes);
  });

  it('answers an inbound message to a number nobody owns, keeps it, and counts it', async () => {
    const answer = await deliver(hookUrl('inbound'), inbound('SMlost', 'lost?', '+15559999999'));
    expect(answer.status).toBe(200);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_gateway_webhook_events_total\{outcome="unrouted"\} 1/);
    expect(logs.join('')).toContain('nobody owns');
  });

  it('counts requests, sends, webhooks and pushes in /metrics with bounded labels', async () => {
    expect((await fetch(`${gateway.url}/scan/wp-login.php?x=1`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/hooks/no-such-account/inbound`, { method: 'POST' })).status).toBe(404);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_gateway_sends_total\{code="OK"\} 2/);
    expect(metrics).toMatch(/switchboard_gateway_webhooks_total\{result="verified"\} \d+/);
    expect(metrics).toMatch(/switchboard_gateway_webhooks_total\{result="WEBHOOK_UNVERIFIED"\} 2/);
    expect(metrics).toMatch(/switchboard_gateway_pushes_total\{result="ok"\} 3/);
    expect(metrics).toMatch(
      /switchboard_gateway_http_requests_total\{route="\/hooks\/:account\/:endpoint",method="POST",status="200"\}/,
    );
    expect(metrics).toMatch(/route="unmatched",method="GET",status="404"/);
    expect(metrics).toMatch(/webhooks_total\{result="WEBHOOK_UNKNOWN_ACCOUNT"\} 1/);
    expect(metrics).not.toContain('wp-login');
    expect(metrics).not.toContain('no-such-account');
    expect(metrics).not.toContain('SMin0001');
    expect(metrics).not.toContain(PEER);
  });

  it('logs without the provider token, the app password, signatures, message texts or URL queries', async () => {
    // Some providers authenticate with a secret in the webhook URL's query: it must not reach the log.
    const answer = await deliver(`${hookUrl('inbound')}?key=SECRET-IN-URL`, inbound('SMquery', 'q'));
    expect(answer.status).toBe(200);
    const all = logs.join('');
    expect(all).not.toContain('SECRET-IN-URL');
    expect(all).toContain('webhook received');
    for (const secret of [TWILIO.token, ALICE.password, 'x-twilio-signature', 'later 1', 'ünïcødé'])
      expect(all).not.toContain(secret);
  });
});
