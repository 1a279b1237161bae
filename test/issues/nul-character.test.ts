/**
 * Issue 16, last gaps, item 1: PostgreSQL cannot store U+0000 in text, so a Send whose text held
 * it was answered 500 there (and stored on SQLite); a provider posting it got 500 and retried for
 * hours. Now the app gets one clear 400 on both stores, before any provider request, and a webhook
 * is stored with the character dropped and answered as usual (a retry is a repeat). A provider's
 * error answer holding U+0000 is recorded too, not left as a message stuck in flight.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { TWILIO, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const PUBLIC = 'https://sms.example.test';
const ALICE = { login: 'alice', password: 'nul-character-password', numbers: ['+15550100001'] };
const PAGE = { count: 10, bytes: 1 << 20 };

let postgres: TestPostgres | undefined;
let twilio: RecordingServer;
let gateway: Gateway | undefined;
/** What the loopback Twilio answers next: its success, or an error whose text holds U+0000. */
let refuse = false;

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
  let sent = 0;
  twilio = await startRecordingServer(() =>
    refuse
      ? {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: 21211, message: 'The To number\u0000 is not valid', status: 400 }),
        }
      : {
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sid: `SM${String(++sent).padStart(32, '0')}`, status: 'queued' }),
        },
  );
}, 60_000);

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  refuse = false;
});

afterAll(async () => {
  await twilio.close();
  await postgres?.stop();
}, 60_000);

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'nul') } })],
] as const;

async function serving(database: Record<string, unknown>): Promise<Gateway> {
  const { file } = await writeTwilioGateway([ALICE], PUBLIC, { push: { enabled: false }, ...database });
  gateway = await startGateway(await loadGateway(file), { port: 0 }, { connector: { origin: twilio.origin } });
  return gateway;
}

async function send(g: Gateway, body: Record<string, string>) {
  const response = await fetch(`${g.url}/acrobits/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ALICE.login, password: ALICE.password, ...body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('U+0000 on %s', (_name, database) => {
  it('in the text or the recipient of a Send is a 400 naming the field, and nothing is sent', async () => {
    const g = await serving(await database());
    const before = twilio.requests.length;
    const inText = await send(g, { to: '+15551231234', body: 'a\u0000b' });
    expect(inText.status).toBe(400);
    expect(inText.body.message).toBe(
      'body contains the character U+0000 (NUL), which a text message cannot carry; remove it and try again',
    );
    expect((await send(g, { to: '+1555\u00001231234', body: 'hi' })).body.message).toMatch(/^to contains/);
    expect(twilio.requests.length).toBe(before);
    const fetched = await g.store.fetch('alice', { received: undefined, sent: undefined }, PAGE);
    expect(fetched.sent).toEqual([]);
  });

  it('in a webhook is dropped from the stored message, and the retry is a repeat', async () => {
    const g = await serving(await database());
    const params = {
      AccountSid: TWILIO.sid,
      MessageSid: 'SM\u0000nul',
      From: '+15551231234',
      To: ALICE.numbers[0] ?? '',
      Body: 'see\u0000you',
      NumMedia: '0',
    };
    const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/inbound`, params);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(`${g.url}/hooks/twilio/inbound`, { method: 'POST', ...signed });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    }
    const fetched = await g.store.fetch('alice', { received: undefined, sent: undefined }, PAGE);
    expect(fetched.received.map((m) => m.sms_text)).toEqual(['seeyou']);
  });

  it("in a provider's error answer is recorded as the send's failure, without it", async () => {
    const g = await serving(await database());
    refuse = true;
    const answered = await send(g, { to: '+15551231234', body: 'hi' });
    expect(answered.status).toBe(502);
    const stored = await g.store.fetch('alice', { received: undefined, sent: undefined }, PAGE);
    expect(stored.sent).toEqual([]);
    const failed = await g.store.message('alice', 1);
    expect(failed?.sendState).toBe('failed');
    expect(failed?.error).toContain('The To number is not valid');
  });
});
