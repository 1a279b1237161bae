/** Pushes through a loopback push service: retried on a transient failure, a 404 drops the token. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { resolveDefaults } from '../../packages/gateway/src/config/gateway-config.js';
import { createPusher } from '../../packages/gateway/src/push/pusher.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import type { Store } from '../../packages/gateway/src/store/store.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
let servers: RecordingServer[] = [];
let stores: Store[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(stores.map((s) => s.close()));
  servers = [];
  stores = [];
});

async function setUp(answers: { status: number; body: string }[], push: { includeText?: boolean } = {}) {
  let i = 0;
  const server = await startRecordingServer(() => {
    const answer = answers[Math.min(i++, answers.length - 1)] ?? { status: 200, body: '' };
    return { status: answer.status, headers: { 'content-type': 'application/json' }, body: answer.body };
  });
  servers.push(server);
  const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'sb-push-')), 'gateway.db'));
  stores.push(store);
  const { message } = await store.insertInbound({
    login: 'alice',
    uid: 'u1',
    ownNumber: '+15550100001',
    peer: '+15551231234',
    text: 'a "quoted" text',
    contentType: 'text/plain',
    providerAccount: 'acct',
    providerMessageId: 'SM1',
    receivedAt: undefined,
    dedupeKey: 'k1',
  });
  const device = { installid: 'i', selector: 'SEL', pushAppId: 'app', tokenCall: '', appIdCall: '' };
  await store.saveDevice('alice', { ...device, pushToken: 'tok', tokenOther: '', appIdOther: '' });
  const resolved = resolveDefaults({ url: `${server.origin}/pnm2/send`, attempts: 3, ...push }).push;
  const pusher = createPusher(resolved, store, quiet, { backoffMs: 10 });
  return { server, store, pusher, seq: message?.seq ?? 0 };
}

describe('pushing a new message', () => {
  it('carries the sender and the start of the text by default, and no text with includeText false', async () => {
    const ok = { status: 200, body: '{"status":200,"response":"OK"}' };
    const withText = await setUp([ok]);
    await withText.pusher.notify('alice', withText.seq);
    expect(JSON.parse(withText.server.requests[0]?.body ?? '')).toMatchObject({
      UserName: '+15551231234',
      Message: 'a "quoted" text',
    });
    const without = await setUp([ok], { includeText: false });
    await without.pusher.notify('alice', without.seq);
    const body = without.server.requests[0]?.body ?? '';
    expect(JSON.parse(body)).toMatchObject({ Id: String(without.seq), UserName: '+15551231234', Message: '' });
    expect(body).not.toContain('quoted');
  });

  it('retries a 503 and then delivers the NotifyTextMessage with the sms_id as Id', async () => {
    const { server, pusher, seq } = await setUp([
      { status: 503, body: '' },
      { status: 200, body: '{"status":200,"response":"OK"}' },
    ]);
    await pusher.notify('alice', seq);
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(server.requests[1]?.body ?? '')).toMatchObject({
      verb: 'NotifyTextMessage',
      AppId: 'app',
      DeviceToken: 'tok',
      Selector: 'SEL',
      Id: String(seq),
      Message: 'a "quoted" text',
    });
  });

  it('drops a token the push service reports as no longer registered (status 404 inside a 200)', async () => {
    const { server, store, pusher, seq } = await setUp([{ status: 200, body: '{"status":404,"response":"gone"}' }]);
    await pusher.notify('alice', seq);
    expect(server.requests).toHaveLength(1);
    const [device] = await store.devices('alice');
    expect(device?.pushToken).toBe('');
  });
});
