/**
 * Store migration 15 re-keys the API's status timeline by (login, seq): a database made before it,
 * with timelines recorded by migration 9's triggers, keeps every change it had, in order, and the
 * new triggers go on recording after it. On a real SQLite file and a real PostgreSQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiStore } from '../../packages/gateway/src/api/api-store.js';
import { MIGRATIONS, statementFor } from '../../packages/gateway/src/store/migrations.js';
import { openPostgresStore } from '../../packages/gateway/src/store/postgres-store.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import type { Store } from '../../packages/gateway/src/store/store.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

type Dialect = 'sqlite' | 'postgres';

/** Every statement that makes a database as it was before migration 15, then one message sent and one failed. */
function before15(dialect: Dialect): string[] {
  const steps = MIGRATIONS.filter((step) => step.version < 15);
  const schema = steps.flatMap((step) => [
    ...step.statements.map((s) => statementFor(s, dialect)),
    ...(step[dialect] ?? []),
    `INSERT INTO migrations (version, applied_ms) VALUES (${step.version}, 0)`,
  ]);
  const message = (seq: number, uid: string) =>
    `INSERT INTO messages (login, seq, uid, direction, peer, own_number, body, content_type, disposition_notification,
      sending_date, created_ms, provider_account, status, status_rank, send_state)
     VALUES ('alice', ${seq}, '${uid}', 'out', '+15551231234', '+15550100001', 'hi', 'text/plain', '',
      '2026-12-01T00:00:00Z', ${seq}, 'twilio', 'queued', 0, 'intent')`;
  return [
    'CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)',
    ...schema,
    `INSERT INTO user_counters (login, last_seq) VALUES ('alice', 2)`,
    message(1, 'uid-sent'),
    `UPDATE messages SET send_state = 'sent', status = 'sent', status_rank = 2 WHERE uid = 'uid-sent'`,
    `UPDATE messages SET status = 'delivered', status_rank = 4 WHERE uid = 'uid-sent'`,
    message(2, 'uid-failed'),
    `UPDATE messages SET send_state = 'failed', status = 'failed', status_rank = 3, error = 'refused' WHERE uid = 'uid-failed'`,
  ];
}

async function expectTimelinesKept(store: Store): Promise<void> {
  const api = apiStore(store.sql);
  const statuses = async (uid: string) => (await api.events(uid)).map((e) => [e.status, e.error]);
  expect(await statuses('uid-sent')).toEqual([
    ['intent', undefined],
    ['sent', undefined],
    ['delivered', undefined],
  ]);
  expect(await statuses('uid-failed')).toEqual([
    ['intent', undefined],
    ['failed', 'refused'],
  ]);
  // Recording goes on under the new key: a message sent after the migration has its own timeline.
  const record = {
    login: 'alice',
    uid: 'uid-new',
    ownNumber: '+15550100001',
    peer: '+15551231234',
    text: 'after',
    contentType: 'text/plain',
    dispositionNotification: '',
    providerAccount: 'twilio',
  };
  const stored = await store.insertOutgoing(record, { state: 'intent' });
  expect(stored.seq).toBe(3);
  await store.recordOutcome('alice', stored.seq, { state: 'sent', providerMessageId: 'SM1' });
  expect(await statuses('uid-new')).toEqual([
    ['intent', undefined],
    ['sent', undefined],
  ]);
  expect(await statuses('uid-sent')).toHaveLength(3);
}

describe('migration 15: the status timeline keyed by (login, seq)', () => {
  it('keeps the timelines of a SQLite file made before it, and records on', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-timeline-')), 'gateway.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    for (const statement of before15('sqlite')) db.exec(statement);
    db.close();
    const store = openSqliteStore(file);
    try {
      await expectTimelinesKept(store);
    } finally {
      await store.close();
    }
  });

  describe.skipIf(!hasPostgres)('on PostgreSQL', () => {
    let postgres: TestPostgres | undefined;
    beforeAll(async () => {
      postgres = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      await postgres?.stop();
    });

    it('keeps the timelines of a database made before it, and records on', async () => {
      const url = await createDatabase(postgres, 'timeline');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const statement of before15('postgres')) await client.query(statement);
      } finally {
        await client.end();
      }
      const store = await openPostgresStore(url);
      try {
        await expectTimelinesKept(store);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
});
