/**
 * Issue 16, item 5: replays. A signed webhook replayed once retention had deleted its row was
 * stored as new (its dedupe key died with the row; `webhook_keys` was never used), and Sinch's and
 * the Vonage SMS API's signed timestamps were never checked for age. Now every key is claimed in
 * `webhook_keys` before storing and kept a year past the retention (keys already stored are copied
 * in by migration 7), and both providers' timestamps are checked in the window each documents.
 */
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { MIGRATIONS, statementFor } from '../../packages/gateway/src/store/migrations.js';
import { openPostgresStore } from '../../packages/gateway/src/store/postgres-store.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import type { InboundRecord, Store } from '../../packages/gateway/src/store/store.js';
import { createWebhookReceiver } from '../../src/webhook/receiver.js';
import { twilioAnswer, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const record = (dedupeKey: string): InboundRecord => ({
  login: 'alice',
  uid: `uid-${dedupeKey}-${Math.random()}`,
  ownNumber: '+15550100001',
  peer: '+15551231234',
  text: 'hello',
  contentType: 'text/plain',
  providerAccount: 'acct',
  providerMessageId: dedupeKey,
  receivedAt: undefined,
  dedupeKey,
});
const later = () => Date.now() + 60_000;

describe.each([
  ['SQLite', async () => openSqliteStore(join(await mkdtemp(join(tmpdir(), 'sb-replay-')), 'g.db')), false],
  ['PostgreSQL', async () => openPostgresStore(await createDatabase(postgres, 'replay')), !hasPostgres],
] as const)('the %s store', (_name, open, skip) => {
  it.skipIf(skip)('knows a webhook as a repeat after retention deleted its message', async () => {
    const store: Store = await open();
    try {
      expect((await store.insertInbound(record('k1'))).inserted).toBe(true);
      expect(await store.purge(later())).toBe(1);
      expect(await store.insertInbound(record('k1'))).toEqual({ inserted: false, message: undefined });
      const fetched = await store.fetch(
        'alice',
        { received: undefined, sent: undefined },
        { count: 10, bytes: 1 << 20 },
      );
      expect(fetched.received).toEqual([]);
      // Unrouted messages claim their keys the same way.
      const { login: _l, uid: _u, contentType: _c, ...unrouted } = record('k2');
      expect([await store.insertUnrouted(unrouted), await store.insertUnrouted(unrouted)]).toEqual([true, false]);
      // Only forgetting the key (a year after the retention) lets the event in again.
      expect(await store.forgetWebhookKeys(later())).toBe(2);
      expect((await store.insertInbound(record('k1'))).inserted).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('a database from before migration 7', () => {
  it('keeps the dedupe keys of the messages it already holds', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sb-replay-old-')), 'g.db');
    const old = new Database(file);
    old.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)');
    for (const step of MIGRATIONS.filter((m) => m.version < 7)) {
      for (const statement of step.statements) old.exec(statementFor(statement, 'sqlite'));
      old.prepare('INSERT INTO migrations VALUES (?, ?)').run(step.version, Date.now());
    }
    old.close();
    const first = openSqliteStore(file);
    // As an older gateway stored it: a row with its key, and nothing in webhook_keys.
    await first.insertInbound(record('old-1'));
    await first.close();
    const db = new Database(file);
    db.exec('DELETE FROM webhook_keys');
    db.exec('DELETE FROM migrations WHERE version = 7');
    db.exec('DROP INDEX webhook_keys_by_age');
    db.close();
    const store = openSqliteStore(file);
    try {
      await store.purge(later());
      expect((await store.insertInbound(record('old-1'))).inserted).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describe('a signed Twilio webhook replayed after retention', () => {
  let twilio: RecordingServer;
  let push: RecordingServer;
  let gateway: Gateway;
  const PUBLIC = 'https://sms.example.test';

  beforeAll(async () => {
    twilio = await startRecordingServer(twilioAnswer());
    push = await startRecordingServer(() => ({ status: 200, body: '{}' }));
    const { file } = await writeTwilioGateway([{ login: 'alice', password: 'pw', numbers: ['+15550100001'] }], PUBLIC, {
      push: { url: `${push.origin}/pnm2/send` },
      limits: { retentionDays: 30 },
    });
    gateway = await startGateway(
      await loadGateway(file),
      { port: 0 },
      { connector: { origin: twilio.origin }, logger: false },
    );
    await gateway.store.saveDevice('alice', {
      installid: 'i',
      selector: 'SEL',
      pushToken: 'tok',
      pushAppId: 'app',
      tokenCall: '',
      appIdCall: '',
      tokenOther: '',
      appIdOther: '',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await twilio.close();
    await push.close();
  });

  it('is answered as the provider expects and neither stored nor pushed again', async () => {
    const params = {
      AccountSid: 'AC1',
      MessageSid: 'SMreplay01',
      From: '+15551231234',
      To: '+15550100001',
      Body: 'hi',
    };
    const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/inbound`, params);
    const post = async () => {
      const response = await fetch(`${gateway.url}/hooks/twilio/inbound`, { method: 'POST', ...signed });
      await response.arrayBuffer();
      return response.status;
    };
    expect(await post()).toBe(200);
    await vi.waitFor(() => expect(push.requests).toHaveLength(1), { timeout: 10_000 });
    expect(await gateway.store.purge(later())).toBe(1);
    expect(await post()).toBe(200);
    const fetched = await gateway.store.fetch(
      'alice',
      { received: undefined, sent: undefined },
      { count: 10, bytes: 1 << 20 },
    );
    expect(fetched.received).toEqual([]);
    expect(push.requests).toHaveLength(1);
  });
});

describe('signed timestamps', () => {
  it.each([
    ['sinch', '2026-01-01T10:20:31.000Z', '2026-01-02T10:25:30.000Z'],
    ['vonage-sms', '2026-01-01T10:21:30.000Z', '2026-01-01T10:25:31.000Z'],
  ])('of %s are checked: fresh is read, past the documented window is WEBHOOK_STALE', async (id, fresh, stale) => {
    const dir = new URL(`../../providers/fixtures/${id}/webhooks/`, import.meta.url);
    const fixture = JSON.parse(await readFile(new URL('stale-timestamp.json', dir), 'utf8')) as {
      account: Record<string, string>;
      endpoint?: string;
      request: { method: string; url: string; headers: Record<string, string>; body: string };
    };
    const provider = await loadProvider(id);
    const account = accountFromValue({ provider: id, ...fixture.account }, 'account', undefined);
    const at = (iso: string) =>
      createWebhookReceiver({ provider, account, options: { now: () => Date.parse(iso) } }).receive(
        fixture.request,
        fixture.endpoint,
      );
    expect(at(fresh)).toMatchObject({ ok: true });
    expect(at(stale)).toMatchObject({ ok: false, code: 'WEBHOOK_STALE', answer: { status: 403 } });
  });
});
