/**
 * Issue 16, item 1: a POST to `/hooks/<account B>/inbound` with B's valid signature and `to` set to
 * alice's number was stored as alice's message and pushed to her, although her number is only on
 * account A. A provider account's secret vouches for its own users' numbers and no others: such
 * an event is kept as unrouted, and B's status callbacks touch only messages B sent.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { hashPassword } from '../../packages/gateway/src/config/password.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { twilioAnswer, twilioWebhook } from '../helpers/gateway.js';

const PUBLIC = 'https://sms.example.test';
const A = { sid: 'AC' + 'a'.repeat(32), token: 'token-of-account-a-0123456789' };
const B = { sid: 'AC' + 'b'.repeat(32), token: 'token-of-account-b-0123456789' };
const ALICE = '+15550100001';
const BOB = '+15550100002';

let twilio: RecordingServer;
let push: RecordingServer;
let gateway: Gateway;

beforeAll(async () => {
  twilio = await startRecordingServer(twilioAnswer());
  push = await startRecordingServer(() => ({ status: 200, body: '{}' }));
  const dir = await mkdtemp(join(tmpdir(), 'sb-inbox-boundary-'));
  await writeFile(
    join(dir, 'a.json'),
    JSON.stringify({ provider: 'twilio', username: A.sid, password: A.token, from: ALICE }),
  );
  await writeFile(
    join(dir, 'b.json'),
    JSON.stringify({ provider: 'twilio', username: B.sid, password: B.token, from: BOB }),
  );
  const user = async (login: string, number: string, account: string) => ({
    login,
    passwordHash: await hashPassword(`${login}-password`),
    numbers: [number],
    account,
  });
  const file = join(dir, 'gateway.json');
  await writeFile(
    file,
    JSON.stringify({
      publicUrl: PUBLIC,
      users: [await user('alice', ALICE, 'a.json'), await user('bob', BOB, 'b.json')],
      database: { sqlite: 'gateway.db' },
      push: { url: `${push.origin}/pnm2/send` },
    }),
  );
  gateway = await startGateway(
    await loadGateway(file),
    { port: 0 },
    { connector: { origin: twilio.origin }, logger: false },
  );
}, 30_000);

afterAll(async () => {
  await gateway.close();
  await twilio.close();
  await push.close();
});

/** Posts a webhook signed with `token` (a valid signature for that account's URL). */
async function deliver(path: string, params: Record<string, string>, token: string): Promise<number> {
  const signed = await twilioWebhook(`${PUBLIC}${path}`, params, token);
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
  await response.arrayBuffer();
  return response.status;
}

const inbound = (account: string, sid: string, to: string) => ({
  AccountSid: account,
  MessageSid: sid,
  From: '+15551231234',
  To: to,
  Body: 'hello',
  NumMedia: '0',
});

const PAGE = { count: 10, bytes: 1 << 20 };

/** The number and provider account each fetched message was stored with. */
async function stored(login: string, fetched: readonly { sms_id: string }[]) {
  const rows = await Promise.all(fetched.map((m) => gateway.store.message(login, Number(m.sms_id))));
  return rows.map((m) => [m?.ownNumber, m?.providerAccount]);
}

describe('an inbound webhook of one provider account', () => {
  it("is kept as unrouted when it names another account's user, and stored for its own user", async () => {
    expect(await deliver('/hooks/b/inbound', inbound(B.sid, 'SMforged01', ALICE), B.token)).toBe(200);
    const alice = await gateway.store.fetch('alice', { received: undefined, sent: undefined }, PAGE);
    expect(alice.received).toEqual([]);

    expect(await deliver('/hooks/b/inbound', inbound(B.sid, 'SMbobs0001', BOB), B.token)).toBe(200);
    const bob = await gateway.store.fetch('bob', { received: undefined, sent: undefined }, PAGE);
    expect(await stored('bob', bob.received)).toEqual([[BOB, 'b.json']]);

    expect(await deliver('/hooks/a/inbound', inbound(A.sid, 'SMalice001', ALICE), A.token)).toBe(200);
    const mine = await gateway.store.fetch('alice', { received: undefined, sent: undefined }, PAGE);
    expect(await stored('alice', mine.received)).toEqual([[ALICE, 'a.json']]);
  });

  it("does not move a message another account sent, even by that message's own provider id", async () => {
    const response = await fetch(`${gateway.url}/acrobits/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password', to: '+15551231234', body: 'hi' }),
    });
    const { sms_id: smsId } = (await response.json()) as { sms_id: string };
    const sent = await gateway.store.message('alice', Number(smsId));
    const sid = sent?.providerMessageId ?? '';
    expect(sid).toMatch(/^SM/);
    const status = { AccountSid: B.sid, MessageSid: sid, MessageStatus: 'failed', To: '+15551231234', From: ALICE };
    expect(await deliver('/hooks/b/status', status, B.token)).toBe(204);
    expect(await deliver(`/hooks/b/status?sb=${sent?.uid ?? ''}`, status, B.token)).toBe(204);
    expect((await gateway.store.message('alice', Number(smsId)))?.status).toBe('sent');
  });
});
