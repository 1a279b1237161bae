/**
 * Inbound messages from providers that send neither an id nor a time (BulkVS, Skyetel, Commio) are
 * keyed by a digest of their content valid for a window (`windowSeconds`, carried on the event as
 * `dedupeWindowSeconds`). The gateway remembers such a key only for that window: a provider's
 * retry within it is stored once, and the same text after it ("Yes", then "Yes" again later) is a
 * new message. The clock is moved with a fake Date, never waited for.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { hashPassword } from '../../packages/gateway/src/config/password.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { openPostgresStore } from '../../packages/gateway/src/store/postgres-store.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import type { InboundRecord, Store } from '../../packages/gateway/src/store/store.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const OWN = '+13105551234';
const MINUTE = 60_000;
const received = async (store: Store) =>
  (await store.fetch('alice', { received: undefined, sent: undefined }, { count: 50, bytes: 1 << 20 })).received;

afterEach(() => {
  vi.useRealTimers();
});

describe('a BulkVS inbound webhook through the gateway (SQLite)', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-window-'));
    const account = { provider: 'bulkvs', username: 'u@example.com', password: 'p4ss', from: OWN, webhookToken: 'k3y' };
    await writeFile(join(dir, 'bulkvs.json'), JSON.stringify(account));
    const config = {
      publicUrl: 'https://sms.example.test',
      users: [{ login: 'alice', passwordHash: await hashPassword('pw'), numbers: [OWN], account: 'bulkvs.json' }],
      database: { sqlite: 'gateway.db' },
    };
    await writeFile(join(dir, 'gateway.json'), JSON.stringify(config));
    gateway = await startGateway(await loadGateway(join(dir, 'gateway.json')), { port: 0 }, { logger: false });
  });
  afterAll(async () => {
    await gateway.close();
  });

  const post = async (text: string) => {
    const response = await fetch(`${gateway.url}/hooks/bulkvs/inbound?key=k3y`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: '13235550123', To: [OWN.slice(1)], Message: text }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  it('stores a redelivery within the window once, and the same text after it again', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    expect([await post('Yes'), await post('Yes')]).toEqual([200, 200]);
    expect((await received(gateway.store)).map((m) => m.sms_text)).toEqual(['Yes']);

    vi.setSystemTime(Date.now() + 9 * MINUTE);
    expect(await post('Yes')).toBe(200);
    expect(await received(gateway.store)).toHaveLength(1);

    vi.setSystemTime(Date.now() + 2 * MINUTE);
    expect([await post('Yes'), await post('Yes')]).toEqual([200, 200]);
    expect((await received(gateway.store)).map((m) => m.sms_text)).toEqual(['Yes', 'Yes']);
  });
});

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const record = (dedupeKey: string, dedupeWindowMs: number | undefined): InboundRecord => ({
  login: 'alice',
  uid: `uid-${Math.random()}`,
  ownNumber: OWN,
  peer: '+13235550123',
  text: 'Yes',
  contentType: 'text/plain',
  providerAccount: 'bulkvs',
  providerMessageId: dedupeKey,
  receivedAt: undefined,
  dedupeKey,
  dedupeWindowMs,
});

describe.each([
  ['SQLite', async () => openSqliteStore(join(await mkdtemp(join(tmpdir(), 'sb-window-store-')), 'g.db')), false],
  ['PostgreSQL', async () => openPostgresStore(await createDatabase(postgres, 'window')), !hasPostgres],
] as const)('the %s store', (_name, open, skip) => {
  it.skipIf(skip)('remembers a windowed key only for its window, and other keys for good', async () => {
    const store = await open();
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      const first = await store.insertInbound(record('digest-1', 10 * MINUTE));
      expect(first.inserted).toBe(true);
      // A repeat within the window finds the first copy.
      const repeat = await store.insertInbound(record('digest-1', 10 * MINUTE));
      expect(repeat).toEqual({ inserted: false, message: first.inserted ? first.message : undefined });
      expect(await store.insertInbound(record('id-1', undefined))).toMatchObject({ inserted: true });

      vi.setSystemTime(Date.now() + 11 * MINUTE);
      expect(await store.insertInbound(record('digest-1', 10 * MINUTE))).toMatchObject({ inserted: true });
      expect(await store.insertInbound(record('digest-1', 10 * MINUTE))).toMatchObject({ inserted: false });
      expect(await store.insertInbound(record('id-1', undefined))).toMatchObject({ inserted: false });
      // Unrouted messages follow the same rule.
      const { login: _l, uid: _u, contentType: _c, ...unrouted } = record('digest-2', 10 * MINUTE);
      expect([await store.insertUnrouted(unrouted), await store.insertUnrouted(unrouted)]).toEqual([true, false]);
      vi.setSystemTime(Date.now() + 11 * MINUTE);
      expect(await store.insertUnrouted(unrouted)).toBe(true);
      // Expired windowed keys are forgotten by the hourly sweep; the others only after the retention.
      expect(await store.forgetWebhookKeys(0)).toBe(1);
      expect(await received(store)).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
