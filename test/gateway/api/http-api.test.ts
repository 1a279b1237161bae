/**
 * Issue 19, items 1 and 2: the HTTP API of a real `switchboard serve` process on SQLite, sending
 * through a loopback server that answers as Twilio's Messages API does, exercised by the client
 * generated from the document the gateway serves. Keys are made by `gateway api-key create`.
 * What reaches the provider is counted there. Uses dist/ (run `npm run build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../../src/fixtures/recording-server.js';
import { apiClient, createKey } from '../../helpers/api.js';
import {
  TWILIO,
  serveProcess,
  twilioAnswer,
  twilioWebhook,
  writeTwilioGateway,
  type ServedGateway,
} from '../../helpers/gateway.js';

const PUBLIC = 'http://127.0.0.1:8080';
const ALICE = { login: 'alice', password: 'alice-pw-123', numbers: ['+15550100001'] };
const BOB = { login: 'bob', password: 'bob-pw-123', numbers: ['+15550100002'] };
const PEER = '+15551231234';
const OTHER = '+15551239999';

let twilio: RecordingServer;
let gateway: ServedGateway;
let aliceKey: string;
let bobKey: string;
let slowKey: string;

/** The messages the provider received, as [To, Body]. */
const received = () =>
  twilio.requests.map((r) => {
    const form = new URLSearchParams(r.body);
    return [form.get('To'), form.get('Body')];
  });

/** A raw request to the API (for what the typed client would not send). */
const call = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(`${gateway.url}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.key === undefined ? {} : { authorization: `Bearer ${init.key}` }),
      ...(init.headers as Record<string, string> | undefined),
    },
  });

beforeAll(async () => {
  twilio = await startRecordingServer(twilioAnswer());
  const { file } = await writeTwilioGateway([ALICE, BOB], PUBLIC, { push: { enabled: false } }, twilio.origin);
  aliceKey = createKey(file, 'alice-app', ALICE.numbers);
  bobKey = createKey(file, 'bob-app', BOB.numbers);
  slowKey = createKey(file, 'slow', ALICE.numbers, '--rate', '2/3600');
  gateway = await serveProcess(file);
}, 60_000);

afterAll(async () => {
  gateway?.child.kill('SIGTERM');
  await twilio?.close();
});

describe('POST /v1/messages and GET /v1/messages/{id}', () => {
  it('sends one text to two recipients, one provider request each, and answers each message sent', async () => {
    const before = twilio.requests.length;
    const { data, response } = await apiClient(gateway.url, aliceKey).POST('/v1/messages', {
      body: { from: '+15550100001', to: [PEER, OTHER], text: 'Tom & Jerry: 50% off 🎉' },
    });
    expect(response.status).toBe(202);
    expect(data?.messages.map((m) => [m.from, m.to, m.text, m.status])).toEqual([
      ['+15550100001', PEER, 'Tom & Jerry: 50% off 🎉', 'sent'],
      ['+15550100001', OTHER, 'Tom & Jerry: 50% off 🎉', 'sent'],
    ]);
    expect(received().slice(before).toSorted()).toEqual(
      [
        [PEER, 'Tom & Jerry: 50% off 🎉'],
        [OTHER, 'Tom & Jerry: 50% off 🎉'],
      ].toSorted(),
    );
  });

  it('shows the timeline sending, sent, then delivered once Twilio’s signed status callback arrives', async () => {
    const client = apiClient(gateway.url, aliceKey);
    const sent = await client.POST('/v1/messages', { body: { from: '+15550100001', to: [PEER], text: 'track me' } });
    const id = sent.data?.messages[0]?.id ?? '';
    const sid = sent.data?.messages[0]?.providerMessageId ?? '';
    expect(sid).toMatch(/^SM/);
    const params = {
      AccountSid: TWILIO.sid,
      MessageSid: sid,
      MessageStatus: 'delivered',
      To: PEER,
      ApiVersion: '2010-04-01',
    };
    const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/status`, params);
    const hook = await fetch(`${gateway.url}/hooks/twilio/status`, { method: 'POST', ...signed });
    expect(hook.status).toBe(204);

    const { data, response } = await client.GET('/v1/messages/{id}', { params: { path: { id } } });
    expect(response.status).toBe(200);
    expect(data?.status).toBe('delivered');
    expect(data?.timeline?.map((t) => t.status)).toEqual(['sending', 'sent', 'delivered']);
    const times = (data?.timeline ?? []).map((t) => Date.parse(t.at));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(Math.abs((times[0] ?? 0) - Date.now())).toBeLessThan(600_000);
  });

  it('keeps the error code of an undelivered report in the timeline and on the message', async () => {
    const client = apiClient(gateway.url, aliceKey);
    const sent = await client.POST('/v1/messages', {
      body: { from: '+15550100001', to: [OTHER], text: 'to a landline' },
    });
    const id = sent.data?.messages[0]?.id ?? '';
    const sid = sent.data?.messages[0]?.providerMessageId ?? '';
    const params = {
      AccountSid: TWILIO.sid,
      MessageSid: sid,
      MessageStatus: 'undelivered',
      ErrorCode: '30006',
      To: OTHER,
      ApiVersion: '2010-04-01',
    };
    const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/status`, params);
    expect((await fetch(`${gateway.url}/hooks/twilio/status`, { method: 'POST', ...signed })).status).toBe(204);
    const { data } = await client.GET('/v1/messages/{id}', { params: { path: { id } } });
    expect(data?.status).toBe('undelivered');
    expect(data?.timeline?.at(-1)).toMatchObject({ status: 'undelivered', error: expect.stringContaining('30006') });
    expect(data?.error?.message).toContain('30006');
  });

  it('records the provider’s refusal with its words in the timeline', async () => {
    const refusing = await startRecordingServer(() => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: 21211,
        message: "The 'To' number +15551230000 is not a valid phone number.",
        status: 400,
      }),
    }));
    try {
      const { file } = await writeTwilioGateway([ALICE], PUBLIC, { push: { enabled: false } }, refusing.origin);
      const key = createKey(file, 'refused', ALICE.numbers);
      const served = await serveProcess(file);
      try {
        const client = apiClient(served.url, key);
        const sent = await client.POST('/v1/messages', { body: { from: '+15550100001', to: [PEER], text: 'no' } });
        expect(sent.response.status).toBe(202);
        const message = sent.data?.messages[0];
        expect(message?.status).toBe('failed');
        expect(message?.error?.message).toContain('is not a valid phone number');
        const { data } = await client.GET('/v1/messages/{id}', { params: { path: { id: message?.id ?? '' } } });
        expect(data?.timeline?.map((t) => t.status)).toEqual(['sending', 'failed']);
        expect(data?.timeline?.[1]?.error).toContain('is not a valid phone number');
      } finally {
        served.child.kill('SIGTERM');
      }
    } finally {
      await refusing.close();
    }
  }, 30_000);
});

describe('Idempotency-Key', () => {
  it('sends once for the same key and body, however often and however concurrently, and answers the first answer', async () => {
    const before = twilio.requests.length;
    const client = apiClient(gateway.url, aliceKey);
    const body = { from: '+15550100001', to: [PEER], text: 'exactly once' };
    const headers = { 'idempotency-key': 'order-1042' };
    const answers = await Promise.all([1, 2, 3].map(() => client.POST('/v1/messages', { body, headers })));
    const again = await client.POST('/v1/messages', { body, headers });
    expect(twilio.requests.length - before).toBe(1);
    const ids = [...answers, again].map((a) => a.data?.messages[0]?.id);
    expect(new Set(ids).size).toBe(1);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with another body (422 IDEMPOTENCY_KEY_REUSED) and sends nothing', async () => {
    const client = apiClient(gateway.url, aliceKey);
    const headers = { 'idempotency-key': 'order-2001' };
    await client.POST('/v1/messages', { body: { from: '+15550100001', to: [PEER], text: 'first' }, headers });
    const before = twilio.requests.length;
    const other = await client.POST('/v1/messages', {
      body: { from: '+15550100001', to: [PEER], text: 'second' },
      headers,
    });
    expect(other.response.status).toBe(422);
    expect(other.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(other.error).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(twilio.requests.length).toBe(before);
  });

  it('keeps one key’s Idempotency-Keys apart from another’s', async () => {
    const headers = { 'idempotency-key': 'shared-name' };
    const a = await apiClient(gateway.url, aliceKey).POST('/v1/messages', {
      body: { from: '+15550100001', to: [PEER], text: 'from alice' },
      headers,
    });
    const b = await apiClient(gateway.url, bobKey).POST('/v1/messages', {
      body: { from: '+15550100002', to: [PEER], text: 'from bob' },
      headers,
    });
    expect([a.response.status, b.response.status]).toEqual([202, 202]);
    expect(a.data?.messages[0]?.id).not.toBe(b.data?.messages[0]?.id);
  });
});

describe('a key’s scope', () => {
  it('cannot send from another user’s number: 403 NUMBER_NOT_ALLOWED, no provider request', async () => {
    const before = twilio.requests.length;
    const { error, response } = await apiClient(gateway.url, aliceKey).POST('/v1/messages', {
      body: { from: '+15550100002', to: [PEER], text: 'as bob' },
    });
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: 'NUMBER_NOT_ALLOWED' });
    expect(twilio.requests.length).toBe(before);
  });

  it('cannot read another number’s message, which is not found for it; nor list it', async () => {
    const bob = apiClient(gateway.url, bobKey);
    const sent = await bob.POST('/v1/messages', { body: { from: '+15550100002', to: [PEER], text: 'bob only' } });
    const id = sent.data?.messages[0]?.id ?? '';
    expect((await bob.GET('/v1/messages/{id}', { params: { path: { id } } })).response.status).toBe(200);
    const alice = apiClient(gateway.url, aliceKey);
    const read = await alice.GET('/v1/messages/{id}', { params: { path: { id } } });
    expect(read.response.status).toBe(404);
    expect(read.error).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    const listed = await alice.GET('/v1/messages', { params: { query: { limit: 100 } } });
    expect(listed.data?.messages.map((m) => m.from)).not.toContain('+15550100002');
    expect(listed.data?.messages.map((m) => m.id)).not.toContain(id);
    const asBob = await alice.GET('/v1/messages', { params: { query: { number: '+15550100002' } } });
    expect(asBob.error).toMatchObject({ code: 'NUMBER_NOT_ALLOWED' });
  });
});

describe('GET /v1/messages', () => {
  it('pages by cursor through sent and received messages, filtered by direction and peer, each once', async () => {
    const PAGED = '+15557770000';
    const client = apiClient(gateway.url, bobKey);
    for (let i = 0; i < 5; i++)
      await client.POST('/v1/messages', { body: { from: '+15550100002', to: [PAGED], text: `page ${i}` } });
    const inbound = {
      AccountSid: TWILIO.sid,
      MessageSid: 'SMinbound0001',
      SmsSid: 'SMinbound0001',
      From: PAGED,
      To: '+15550100002',
      Body: 'a reply',
      NumMedia: '0',
      ApiVersion: '2010-04-01',
    };
    const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/inbound`, inbound);
    expect((await fetch(`${gateway.url}/hooks/twilio/inbound`, { method: 'POST', ...signed })).status).toBe(200);

    const texts: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { data } = await client.GET('/v1/messages', {
        params: { query: { peer: PAGED, limit: 2, ...(cursor === undefined ? {} : { cursor }) } },
      });
      texts.push(...(data?.messages ?? []).map((m) => `${m.direction} ${m.text}`));
      cursor = data?.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(texts).toEqual(['out page 0', 'out page 1', 'out page 2', 'out page 3', 'out page 4', 'in a reply']);
    const received = await client.GET('/v1/messages', { params: { query: { peer: PAGED, direction: 'in' } } });
    expect(received.data?.messages.map((m) => [m.from, m.to, m.status])).toEqual([[PAGED, '+15550100002', 'received']]);
    const later = await client.GET('/v1/messages', {
      params: { query: { peer: PAGED, since: new Date(Date.now() + 60_000).toISOString() } },
    });
    expect(later.data?.messages).toEqual([]);
  });

  it('refuses a cursor it did not give and a page larger than 100', async () => {
    const client = apiClient(gateway.url, aliceKey);
    const forged = await client.GET('/v1/messages', { params: { query: { cursor: 'not-a-cursor' } } });
    expect(forged.error).toMatchObject({ status: 400, code: 'CURSOR_INVALID' });
    const large = await client.GET('/v1/messages', { params: { query: { limit: 101 } } });
    expect(large.error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ pointer: '/limit' }] });
  });
});

describe('bad input, as problem documents', () => {
  it('refuses a missing or wrong key with 401 UNAUTHORIZED', async () => {
    const body = JSON.stringify({ from: '+15550100001', to: [PEER], text: 'x' });
    const none = await call('/v1/messages', { method: 'POST', body });
    const wrong = await call('/v1/messages', { method: 'POST', body, key: `${aliceKey.slice(0, -4)}AAAA` });
    for (const response of [none, wrong]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'UNAUTHORIZED', type: 'about:blank' });
    }
  });

  it('names every unknown field and bad value by its JSON Pointer', async () => {
    const body = JSON.stringify({ from: '+15550100001', to: ['555-1234'], text: '', colour: 'red' });
    const response = await call('/v1/messages', { method: 'POST', body, key: aliceKey });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: { pointer: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.pointer).toSorted()).toEqual(['/colour', '/text', '/to/0']);
  });

  it('refuses more than 100 recipients, an oversized body, a body that is not JSON', async () => {
    const many = JSON.stringify({ from: '+15550100001', to: Array(101).fill(PEER), text: 'x' });
    const tooMany = await call('/v1/messages', { method: 'POST', body: many, key: aliceKey });
    expect(await tooMany.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ pointer: '/to' }] });
    const huge = JSON.stringify({ from: '+15550100001', to: [PEER], text: 'x'.repeat(40_000) });
    const large = await call('/v1/messages', { method: 'POST', body: huge, key: aliceKey });
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
    const form = await call('/v1/messages', {
      method: 'POST',
      body: 'from=x',
      key: aliceKey,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([400, 415]).toContain(form.status);
    expect(await form.json()).toMatchObject({ code: expect.stringMatching(/^(UNSUPPORTED_MEDIA_TYPE|INVALID_JSON)$/) });
    const broken = await call('/v1/messages', { method: 'POST', body: '{"from":', key: aliceKey });
    expect(await broken.json()).toMatchObject({ status: 400, code: 'INVALID_JSON' });
  });

  it('limits a key to its rate: 429 RATE_LIMITED with Retry-After, other keys unaffected', async () => {
    const slow = apiClient(gateway.url, slowKey);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await slow.GET('/v1/messages', { params: { query: { limit: 1 } } })).response.status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await slow.GET('/v1/messages', {});
    expect(limited.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await apiClient(gateway.url, aliceKey).GET('/v1/messages', {})).response.status).toBe(200);
  });
});

describe('guessing keys', () => {
  // Last in this file: the failures also count against the client's address (127.0.0.1 here).
  it('stops checking wrong secrets for a key id after five (429, no scrypt run), while the real key, once verified, still works', async () => {
    const guess = (i: number) =>
      call('/v1/messages', { method: 'GET', key: `sbk_bob-app_${String(i).padStart(43, 'x')}` });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await guess(i)).status);
    // Five failures in the window, counting the one the address made in an earlier test.
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await guess(99);
    expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await apiClient(gateway.url, bobKey).GET('/v1/messages', {})).response.status).toBe(200);
  });
});
