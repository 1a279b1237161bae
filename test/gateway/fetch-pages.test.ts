/**
 * Fetch pages on a real SQLite file and a real PostgreSQL: bounded by bytes as well as by count
 * with nothing lost or repeated along the cursors, a later send shown while an earlier one is
 * still pending, and both directions read through their own index whatever the user's history.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FETCH_SQL,
  pageParams,
  receivedParams,
  withoutIndexHints,
  type PageBounds,
} from '../../packages/gateway/src/store/fetch-statements.js';
import { openPostgresStore } from '../../packages/gateway/src/store/postgres-store.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import { listStatement } from '../../packages/gateway/src/api/api-store.js';
import { SQL } from '../../packages/gateway/src/store/statements.js';
import type { Store } from '../../packages/gateway/src/store/store.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

let server: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** A fresh store and how to close it. */
interface Place {
  store: Store;
  close: () => Promise<void>;
}

const sqlite = async (): Promise<Place> => {
  const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'sb-fetch-')), 'gateway.db'));
  return { store, close: () => store.close() };
};

const postgres = async (): Promise<Place> => {
  const store = await openPostgresStore(await createDatabase(server, 'fetch'));
  return { store, close: () => store.close() };
};

const outgoing = (uid: string, text = `text ${uid}`) => ({
  login: 'alice',
  uid,
  ownNumber: '+15550100001',
  peer: '+15551231234',
  text,
  contentType: 'text/plain',
  dispositionNotification: '',
  providerAccount: 'acct',
});

const inbound = (uid: string, text: string) => ({
  login: 'alice',
  uid,
  ownNumber: '+15550100001',
  peer: '+15551231234',
  text,
  contentType: 'text/plain',
  providerAccount: 'acct',
  providerMessageId: uid,
  receivedAt: undefined,
  dedupeKey: `acct|${uid}`,
});

const NONE = { received: undefined, sent: undefined };
const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

describe.each([
  ['SQLite', sqlite, false],
  ['PostgreSQL', postgres, !hasPostgres],
] as const)('Fetch on %s', (_name, place, skip) => {
  it('bounds a page by the bytes of its texts; following the cursors gives every message once, in order', async () => {
    if (skip) return;
    const { store, close } = await place();
    // About 100,000 bytes each (multi-byte characters count as their UTF-8 bytes), one of 300,000.
    const texts = Array.from({ length: 9 }, (_, i) => `${i}:${'é€😀x'.repeat(10_000)}`);
    texts.splice(4, 0, `big:${'y'.repeat(300_000)}`);
    for (const [i, text] of texts.entries()) await store.insertInbound(inbound(`m${i}`, text));
    const bounds: PageBounds = { count: 500, bytes: 256 * 1024 };
    const seen: string[] = [];
    const pages: number[][] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await store.fetch('alice', { received: cursor, sent: undefined }, bounds);
      if (page.received.length === 0) break;
      const sizes = page.received.map((m) => bytesOf(m.sms_text));
      pages.push(sizes);
      // Within the bound, or one message longer than it, alone.
      expect(sizes.length === 1 || sizes.reduce((a, b) => a + b, 0) <= bounds.bytes).toBe(true);
      seen.push(...page.received.map((m) => m.sms_text));
      cursor = Number(page.received.at(-1)?.sms_id);
    }
    // Compared by prefix and length first, so that a failure does not print megabytes.
    expect(seen.map((t) => [t.slice(0, 4), t.length])).toEqual(texts.map((t) => [t.slice(0, 4), t.length]));
    expect(seen.join('|') === texts.join('|')).toBe(true);
    expect(pages.length).toBeGreaterThan(3);
    expect(pages).toContainEqual([bytesOf(texts[4] ?? '')]);
    await close();
  });

  it('bounds a page by count, the byte bound aside', async () => {
    if (skip) return;
    const { store, close } = await place();
    for (let i = 0; i < 5; i++) await store.insertInbound(inbound(`m${i}`, `short ${i}`));
    const first = await store.fetch('alice', NONE, { count: 2, bytes: 1 << 20 });
    const next = await store.fetch('alice', { received: 2, sent: undefined }, { count: 2, bytes: 1 << 20 });
    expect([first.received.map((m) => m.sms_id), next.received.map((m) => m.sms_id)]).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    await close();
  });

  it('shows a later sent message while an earlier one is pending, and leaves out refused ones', async () => {
    if (skip) return;
    const { store, close } = await place();
    const queued = await store.insertOutgoing(outgoing('u1'), { state: 'queued' });
    const inFlight = await store.insertOutgoing(outgoing('u2'), { state: 'queued' });
    await store.markIntent('alice', inFlight.seq);
    const sent = await store.insertOutgoing(outgoing('u3'), { state: 'queued' });
    await store.recordOutcome('alice', sent.seq, { state: 'sent' });
    const refused = await store.insertOutgoing(outgoing('u4'), { state: 'queued' });
    await store.recordOutcome('alice', refused.seq, { state: 'failed', error: 'no', code: 'HTTP_ERROR' });
    const unknown = await store.insertOutgoing(outgoing('u5'), { state: 'queued' });
    await store.recordOutcome('alice', unknown.seq, { state: 'ambiguous' });
    const page = await store.fetch('alice', NONE, { count: 100, bytes: 1 << 20 });
    expect(page.sent.map((m) => [m.sms_id, m.sms_text])).toEqual([
      ['1', 'text u1'],
      ['2', 'text u2'],
      ['3', 'text u3'],
      ['5', 'text u5'],
    ]);
    // The pending ones settle later; a device at the newest cursor has them already and gets nothing twice.
    await store.recordOutcome('alice', queued.seq, { state: 'sent' });
    await store.recordOutcome('alice', inFlight.seq, { state: 'failed', error: 'no' });
    expect((await store.fetch('alice', { received: undefined, sent: 5 }, { count: 100, bytes: 1 << 20 })).sent).toEqual(
      [],
    );
    const later = await store.insertOutgoing(outgoing('u6'), { state: 'queued' });
    const next = await store.fetch('alice', { received: undefined, sent: 5 }, { count: 100, bytes: 1 << 20 });
    expect(next.sent.map((m) => m.sms_id)).toEqual([String(later.seq)]);
    await close();
  });

  it('answers each field the app reads, sms_id as text', async () => {
    if (skip) return;
    const { store, close } = await place();
    await store.insertOutgoing(
      { ...outgoing('u1', 'hello'), dispositionNotification: 'positive-delivery' },
      { state: 'queued' },
    );
    const [message] = (await store.fetch('alice', NONE, { count: 10, bytes: 1024 })).sent;
    expect(message).toEqual({
      sms_id: '1',
      sending_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      sms_text: 'hello',
      content_type: 'text/plain',
      disposition_notification: 'positive-delivery',
      stream_id: '+15551231234',
    });
    await close();
  });
});

/** 20,000 received messages of one user who never sent one, and a few of another user, in one statement. */
const SEED = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
  INSERT INTO messages (login, seq, uid, direction, peer, own_number, body, content_type, disposition_notification,
    sending_date, created_ms, provider_account, provider_message_id, status, status_rank, send_state, error,
    dedupe_key, owner)
  SELECT CASE WHEN i <= 19990 THEN 'listener' ELSE 'talker' END, i, 'seed-' || i,
    CASE WHEN i <= 19990 THEN 'in' ELSE 'out' END, '+15551231234', '+15550100001', 'text ' || i, 'text/plain', '',
    '2026-01-01T00:00:00Z', 0, 'acct', 'P' || i, 'delivered', 3,
    CASE WHEN i <= 19990 THEN NULL ELSE 'sent' END, NULL, CASE WHEN i <= 19990 THEN 'k' || i ELSE NULL END, NULL
  FROM n`;

const bounds: PageBounds = { count: 500, bytes: 256 * 1024 };

describe('the plans of Fetch’s statements', () => {
  it('seek on SQLite to the cursor in the direction’s own index, however long the user’s history', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sb-fetch-')), 'gateway.db');
    await openSqliteStore(file).close();
    const db = new Database(file);
    db.exec(SEED);
    db.exec('ANALYZE');
    const plan = (sql: string, params: (string | number)[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
    for (const cursor of [undefined, 19_000]) {
      const received = plan(FETCH_SQL.received, receivedParams('listener', cursor, bounds, Date.now()));
      const sent = plan(FETCH_SQL.sent, pageParams('listener', cursor, bounds));
      // Both the page's bound and its rows come from a seek in the direction's own index.
      expect(received.match(/SEARCH messages USING INDEX messages_received \(login=\? AND seq>\?/g)).toHaveLength(2);
      expect(sent.match(/SEARCH messages USING INDEX messages_sent \(login=\? AND seq>\?/g)).toHaveLength(2);
      // The received page's stop before a held message is one seek in the holds' key (media-holds.ts).
      expect(received).toMatch(/SEARCH media_holds USING INDEX sqlite_autoindex_media_holds_1 \(login=\?\)/);
      expect(`${received}\n${sent}`).not.toMatch(/SCAN (messages|media_holds)|messages USING .*(PRIMARY|autoindex)/);
    }
    db.close();
  });

  it('leave on SQLite only indexes that a statement seeks on, and recovery and delivery reports use them', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sb-fetch-')), 'gateway.db');
    await openSqliteStore(file).close();
    const db = new Database(file);
    db.exec(SEED);
    const named = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL`)
      .pluck()
      .all();
    expect(named.toSorted()).toEqual([
      'messages_by_age',
      'messages_by_number',
      'messages_out_by_provider_id',
      'messages_received',
      'messages_sent',
      'messages_unsettled',
    ]);
    const plan = (sql: string) =>
      (
        db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array<number>(sql.split('?').length - 1).fill(1)) as {
          detail: string;
        }[]
      )
        .map((row) => row.detail)
        .join('\n');
    expect(plan(SQL.claimQueued)).toContain('USING INDEX messages_unsettled');
    expect(plan(SQL.intentToAmbiguous)).toContain('USING INDEX messages_unsettled');
    expect(plan(SQL.statusByProviderId)).toContain('USING INDEX messages_out_by_provider_id');
    expect(plan(SQL.purge)).toContain('USING INDEX messages_by_age');
    // The HTTP API's list (api/api-store.ts) reads a key's number in the index's order.
    const list = listStatement({
      numbers: ['+15550100001'],
      direction: 'out',
      peer: undefined,
      sinceMs: undefined,
      after: { createdMs: 1, uid: 'u' },
      limit: 50,
    });
    expect(plan(list.sql)).toContain('USING INDEX messages_by_number');
    db.close();
  });

  it('seek on PostgreSQL to the cursor in the direction’s own index, however long the user’s history', async () => {
    if (!hasPostgres) return;
    const url = await createDatabase(server, 'fetchplan');
    await (await openPostgresStore(url)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(SEED);
    await client.query('ANALYZE messages');
    const numbered = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    const plan = async (sql: string, params: (string | number)[]) =>
      (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${numbered(withoutIndexHints(sql))}`, params)).rows
        .map((row) => row['QUERY PLAN'])
        .join('\n');
    for (const cursor of [undefined, 19_000]) {
      const received = await plan(FETCH_SQL.received, receivedParams('listener', cursor, bounds, Date.now()));
      const sent = await plan(FETCH_SQL.sent, pageParams('listener', cursor, bounds));
      expect(received).toMatch(/Index (Only )?Scan using messages_received on messages/);
      expect(sent).toMatch(/Index (Only )?Scan using messages_sent on messages/);
      expect(`${received}\n${sent}`).not.toContain('Seq Scan');
    }
    await client.end();
  });
});
