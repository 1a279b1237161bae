/**
 * Opt-outs in the gateway (issue 19, item 4), counted at a loopback Twilio: a STOP from a person
 * records the opt-out, is answered with the configured reply, and every later Send to them is
 * refused before any provider request until they send START; HELP gets its reply; Twilio's 21610
 * answer (a recipient who opted out with Twilio) records the opt-out too. On SQLite and PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { TWILIO, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { hasRedis, useRedis } from '../helpers/redis.js';

const PUBLIC = 'https://sms.example.test';
const OURS = '+15550100001';
const ALICE = { login: 'alice', password: 'opt-outs-password-0123', numbers: [OURS] };
const BOB = '+15551231234';
/** A recipient Twilio itself knows as opted out: it answers 21610 (https://www.twilio.com/docs/api/errors/21610). */
const OPTED_OUT_AT_TWILIO = '+15551239999';
const REPLIES = {
  stop: { reply: 'Acme: you will get no more messages. Reply START to resume.' },
  start: { reply: 'Acme: messages resumed. Reply STOP to stop.' },
  help: { reply: 'Acme support: help@acme.example. Reply STOP to stop.' },
};

let postgres: TestPostgres | undefined;
let twilio: RecordingServer;
let gateway: Gateway | undefined;
let sid = 0;
const redis = useRedis();

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
  twilio = await startRecordingServer((request) => {
    const refused = new URLSearchParams(request.body).get('To') === OPTED_OUT_AT_TWILIO;
    const body = refused
      ? { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 }
      : { sid: `SM${String(++sid).padStart(32, '0')}`, status: 'queued' };
    return { status: refused ? 400 : 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  });
}, 60_000);

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

afterAll(async () => {
  await twilio.close();
  await postgres?.stop();
}, 60_000);

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'optouts') } })],
] as const;

async function serving(database: Record<string, unknown>): Promise<Gateway> {
  const extra = { push: { enabled: false }, optOuts: REPLIES, ...database };
  const { file } = await writeTwilioGateway([ALICE], PUBLIC, extra);
  gateway = await startGateway(await loadGateway(file), { port: 0 }, { connector: { origin: twilio.origin } });
  return gateway;
}

/** The person `from` texts `text` to our number (a signed Twilio webhook). */
async function inbound(g: Gateway, from: string, text: string): Promise<void> {
  const params = {
    AccountSid: TWILIO.sid,
    MessageSid: `SMin${++sid}`,
    From: from,
    To: OURS,
    Body: text,
    NumMedia: '0',
  };
  const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/inbound`, params);
  const response = await fetch(`${g.url}/hooks/twilio/inbound`, { method: 'POST', ...signed });
  await response.arrayBuffer();
  expect(response.status).toBe(200);
}

async function send(g: Gateway, to: string, body = 'Hello') {
  const response = await fetch(`${g.url}/acrobits/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ALICE.login, password: ALICE.password, to, body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** The messages Twilio was asked to send, as [To, Body]. */
const sentToTwilio = () =>
  twilio.requests.map((r) => {
    const form = new URLSearchParams(r.body);
    return [form.get('To'), form.get('Body')];
  });

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('opt-outs on %s', (_name, database) => {
  it('STOP refuses later sends with no provider request, and START lets them go again', async () => {
    const g = await serving(await database());
    const before = twilio.requests.length;
    await inbound(g, BOB, ' stop. ');
    // The confirmation goes out through the provider, from our number.
    await vi.waitFor(() => expect(sentToTwilio().slice(before)).toEqual([[BOB, REPLIES.stop.reply]]));
    expect(await g.store.optOuts.isOptedOut(OURS, BOB)).toBe(true);

    const refused = await send(g, '+1 555 123 1234');
    expect(refused.status).toBe(422);
    expect(refused.body.message).toBe(`${BOB} has opted out of messages from ${OURS} (replied STOP); nothing was sent`);
    expect(twilio.requests.length).toBe(before + 1);

    await inbound(g, BOB, 'Start');
    await vi.waitFor(() => expect(sentToTwilio().slice(before + 1)).toEqual([[BOB, REPLIES.start.reply]]));
    expect((await send(g, BOB, 'Welcome back')).status).toBe(200);
    expect(sentToTwilio().slice(before + 2)).toEqual([[BOB, 'Welcome back']]);
  });

  it('answers HELP with its reply and records nothing', async () => {
    const g = await serving(await database());
    const before = twilio.requests.length;
    await inbound(g, BOB, 'help');
    await vi.waitFor(() => expect(sentToTwilio().slice(before)).toEqual([[BOB, REPLIES.help.reply]]));
    expect(await g.store.optOuts.list()).toEqual([]);
    // The keyword message itself reaches the user like any other.
    const fetched = await g.store.fetch('alice', { received: undefined, sent: undefined }, { count: 10, bytes: 1e6 });
    expect(fetched.received.map((m) => m.sms_text)).toEqual(['help']);
  });

  it('records a delivery report whose code the provider file lists as opted out', async () => {
    const g = await serving(await database());
    const sent = await send(g, BOB);
    expect(sent.status).toBe(200);
    const message = await g.store.message('alice', Number(sent.body.sms_id));
    // As Plivo's reader gives a status callback with error 200 (fixtures/plivo/webhooks/status-opted-out.json).
    const report = {
      type: 'status' as const,
      providerMessageId: 'e4c7b6a2-7f1d-11e1-8ea7-1231380bc196',
      messageId: message?.uid ?? '',
      status: 'failed' as const,
      errorCode: '200',
      optedOut: true as const,
      dedupeKey: `report-${message?.uid ?? ''}`,
    };
    await g.ingest('twilio.json', [report]);
    expect(await g.store.optOuts.list()).toMatchObject([{ ownNumber: OURS, peer: BOB, source: 'provider code 200' }]);
    const before = twilio.requests.length;
    expect((await send(g, BOB)).status).toBe(422);
    expect(twilio.requests.length).toBe(before);
  });

  it("records Twilio's 21610 answer as an opt-out, so the next send makes no request", async () => {
    const g = await serving(await database());
    const before = twilio.requests.length;
    const first = await send(g, OPTED_OUT_AT_TWILIO);
    expect(first.status).toBe(422);
    expect(first.body.message).toBe('Recipient has unsubscribed: Attempt to send to unsubscribed recipient');
    expect(await g.store.optOuts.list()).toMatchObject([
      { ownNumber: OURS, peer: OPTED_OUT_AT_TWILIO, source: 'provider code 21610' },
    ]);
    const second = await send(g, OPTED_OUT_AT_TWILIO);
    expect(second.status).toBe(422);
    expect(second.body.message).toMatch(/has opted out of messages from/);
    expect(twilio.requests.length).toBe(before + 1);
  });
});

describe.skipIf(!hasPostgres || !hasRedis)('opt-outs with the send queue (PostgreSQL and Redis)', () => {
  it("are checked by the queue's worker: the Send is refused with no provider request", async () => {
    const queue = { redis: (await redis()).url };
    const g = await serving({ database: { postgres: await createDatabase(postgres, 'optouts_queue') }, queue });
    await g.store.optOuts.add(OURS, BOB, 'admin');
    const before = twilio.requests.length;
    const refused = await send(g, BOB);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toBe(`${BOB} has opted out of messages from ${OURS} (replied STOP); nothing was sent`);
    expect((await send(g, '+15551230000')).status).toBe(200);
    expect(sentToTwilio().slice(before)).toEqual([['+15551230000', 'Hello']]);
  }, 60_000);
});
