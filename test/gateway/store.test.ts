/**
 * The stores, SQLite on a real file and a real PostgreSQL, held to the same behaviour: migrations
 * once, per-user ids, idempotent inbound, statuses that never move back, recovery after a stop.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../packages/gateway/src/store/postgres-store.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import type { Store } from '../../packages/gateway/src/store/store.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

let server: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** A place for a fresh store; `open` may be called again to reopen it. */
type Place = () => Promise<{ open: () => Promise<Store> }>;

const sqlite: Place = async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'sb-store-')), 'gateway.db');
  return { open: async () => openSqliteStore(file) };
};

const postgres: Place = async () => {
  const url = await createDatabase(server, 'store');
  return { open: () => openPostgresStore(url) };
};

/** Where a message waits for the wire. */
const QUEUED = { state: 'queued' } as const;

const outgoing = (login: string, uid: string) => ({
  login,
  uid,
  ownNumber: '+15550100001',
  peer: '+15551231234',
  text: `text ${uid}`,
  contentType: 'text/plain',
  dispositionNotification: '',
  providerAccount: 'acct',
});

describe.each([
  ['SQLite', sqlite, false],
  ['PostgreSQL', postgres, !hasPostgres],
] as const)('the %s store', (_name, place, skip) => {
  const freshStore = async () => (await place()).open();
  it('numbers each user’s messages 1, 2, 3 and keeps them across a reopen (migrations applied once)', async () => {
    if (skip) return;
    const { open } = await place();
    const store = await open();
    const a1 = await store.insertOutgoing(outgoing('alice', 'u1'), QUEUED);
    const b1 = await store.insertOutgoing(outgoing('bob', 'u2'), QUEUED);
    await store.close();
    const reopened = await open();
    const a2 = await reopened.insertOutgoing(outgoing('alice', 'u3'), QUEUED);
    expect([a1.seq, b1.seq, a2.seq]).toEqual([1, 1, 2]);
    await reopened.close();
  });

  it('stores an inbound message once however often the provider retries it', async () => {
    if (skip) return;
    const store = await freshStore();
    const record = {
      login: 'alice',
      ownNumber: '+15550100001',
      peer: '+15551231234',
      text: 'hi',
      contentType: 'text/plain',
      providerAccount: 'acct',
      providerMessageId: 'SM1',
      receivedAt: undefined,
      dedupeKey: 'acct|SM1',
    };
    const first = await store.insertInbound({ ...record, uid: 'x1' });
    const again = await store.insertInbound({ ...record, uid: 'x2' });
    expect([first.inserted, again.inserted, again.message?.seq]).toEqual([true, false, first.message?.seq]);
    await store.close();
  });

  it('moves a delivery status only up: a late "sent" does not undo "delivered"', async () => {
    if (skip) return;
    const store = await freshStore();
    const m = await store.insertOutgoing(outgoing('alice', 'u1'), QUEUED);
    await store.markIntent('alice', m.seq);
    await store.recordOutcome('alice', m.seq, { state: 'sent', providerMessageId: 'P1' });
    expect(await store.applyStatus('acct', { providerMessageId: 'P1' }, 'delivered')).toBe(true);
    expect(await store.applyStatus('acct', { providerMessageId: 'P1' }, 'sent')).toBe(false);
    expect(await store.applyStatus('acct', { uid: 'u1' }, 'read')).toBe(true);
    expect((await store.message('alice', m.seq))?.status).toBe('read');
    await store.close();
  });

  it('turns what a stopped process left in flight into ambiguous messages, and hands its queued ones to the next', async () => {
    if (skip) return;
    const { open } = await place();
    const stopped = await open();
    const inFlight = await stopped.insertOutgoing(outgoing('alice', 'u1'), QUEUED);
    await stopped.markIntent('alice', inFlight.seq);
    const waiting = await stopped.insertOutgoing(outgoing('alice', 'u2'), QUEUED);
    await stopped.close();
    const next = await open();
    const { queued, ambiguous } = await next.recover();
    expect(ambiguous).toBe(1);
    expect(queued.map((m) => m.seq)).toEqual([waiting.seq]);
    expect((await next.message('alice', inFlight.seq))?.sendState).toBe('ambiguous');
    expect(await next.recover()).toEqual({ queued: [], ambiguous: 0 }); // taken over once
    await next.close();
  });

  it('deletes settled messages older than the retention, never one still to be sent', async () => {
    if (skip) return;
    const store = await freshStore();
    const settled = await store.insertOutgoing(outgoing('alice', 'u1'), QUEUED);
    await store.recordOutcome('alice', settled.seq, { state: 'sent' });
    const waiting = await store.insertOutgoing(outgoing('alice', 'u2'), QUEUED);
    expect(await store.purge(Date.now() + 1000)).toBe(1);
    expect(await store.message('alice', settled.seq)).toBeUndefined();
    expect((await store.message('alice', waiting.seq))?.sendState).toBe('queued');
    await store.close();
  });

  it('commits the writes of one turn together, failing only the write that is wrong, with no sms_id lost to it', async () => {
    if (skip) return;
    const store = await freshStore();
    // Twenty sends at once, one of them repeating a uid (UNIQUE): it alone fails, and the others'
    // sms_ids stay 1…19 with no gap where its rolled-back insert had counted.
    const uids = Array.from({ length: 20 }, (_, i) => (i === 7 ? 'u3' : `u${i}`));
    const settled = await Promise.allSettled(uids.map((uid) => store.insertOutgoing(outgoing('alice', uid), QUEUED)));
    const failed = settled.filter((s) => s.status === 'rejected');
    expect(failed).toHaveLength(1);
    const seqs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.seq] : []));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    for (const seq of seqs) expect((await store.message('alice', seq))?.sendState).toBe('queued');
    await store.close();
  });

  it('records a message at the wire in one write, takes an intent back, and fails only a message still queued', async () => {
    if (skip) return;
    const store = await freshStore();
    const atWire = await store.insertOutgoing(outgoing('alice', 'u1'), { state: 'intent' });
    expect(await store.message('alice', atWire.seq)).toEqual(atWire); // what the insert gave is what is stored
    expect(await store.withdrawIntent('alice', atWire.seq)).toBe(true);
    expect((await store.message('alice', atWire.seq))?.sendState).toBe('queued');
    expect(await store.markIntent('alice', atWire.seq)).toBe(true);
    expect(await store.failQueued('alice', atWire.seq, 'no')).toBe(false); // claimed: it may be going out
    const waiting = await store.insertOutgoing(outgoing('alice', 'u2'), QUEUED);
    expect(await store.failQueued('alice', waiting.seq, 'the database failed', 'X')).toBe(true);
    expect(await store.markIntent('alice', waiting.seq)).toBe(false); // never sent now
    const refused = await store.insertOutgoing(outgoing('alice', 'u3'), {
      state: 'failed',
      error: 'bad number',
      code: 'NUMBER_INVALID',
    });
    expect(await store.message('alice', refused.seq)).toEqual(refused);
    expect(refused).toMatchObject({ sendState: 'failed', status: 'failed', errorCode: 'NUMBER_INVALID' });
    await store.close();
  });
});

describe('several processes on one database', () => {
  it('never lets one PostgreSQL process take over what a live one is sending', async () => {
    if (!hasPostgres) return;
    const { open } = await postgres();
    const first = await open();
    const second = await open();
    const inFlight = await first.insertOutgoing(outgoing('alice', 'u1'), QUEUED);
    await first.markIntent('alice', inFlight.seq);
    await first.insertOutgoing(outgoing('alice', 'u2'), QUEUED);
    expect(await second.recover()).toEqual({ queued: [], ambiguous: 0 });
    expect((await second.message('alice', inFlight.seq))?.sendState).toBe('intent');
    await first.close();
    await second.close();
  });

  it('refuses a second gateway on an SQLite file while the first has it, saying to use PostgreSQL for several', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sb-store-')), 'gateway.db');
    const first = openSqliteStore(file);
    expect(() => openSqliteStore(file)).toThrow(/in use by another gateway process.*use PostgreSQL for several/);
    await first.close();
    const again = openSqliteStore(file);
    await again.close();
  }, 20_000);
});
