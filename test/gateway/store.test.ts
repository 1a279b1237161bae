/** The SQLite store on a real file: migrations once, per-user ids, idempotent inbound, statuses that never move back. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/gateway/store/sqlite-store.js';

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

async function freshFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'sb-store-')), 'gateway.db');
}

describe('the SQLite store', () => {
  it('numbers each user’s messages 1, 2, 3 and keeps them across a reopen (migrations applied once)', async () => {
    const file = await freshFile();
    const store = openSqliteStore(file);
    const a1 = await store.queueOutgoing(outgoing('alice', 'u1'));
    const b1 = await store.queueOutgoing(outgoing('bob', 'u2'));
    await store.close();
    const reopened = openSqliteStore(file);
    const a2 = await reopened.queueOutgoing(outgoing('alice', 'u3'));
    expect([a1.seq, b1.seq, a2.seq]).toEqual([1, 1, 2]);
    await reopened.close();
  });

  it('stores an inbound message once however often the provider retries it', async () => {
    const store = openSqliteStore(await freshFile());
    const record = {
      login: 'alice',
      ownNumber: '+15550100001',
      peer: '+15551231234',
      text: 'hi',
      contentType: 'text/plain',
      providerAccount: 'acct',
      providerMessageId: 'SM1',
      receivedAt: undefined,
      dedupeKey: 'acct\0SM1',
    };
    const first = await store.insertInbound({ ...record, uid: 'x1' });
    const again = await store.insertInbound({ ...record, uid: 'x2' });
    expect([first.inserted, again.inserted, again.message.seq]).toEqual([true, false, first.message.seq]);
    await store.close();
  });

  it('moves a delivery status only up: a late "sent" does not undo "delivered"', async () => {
    const store = openSqliteStore(await freshFile());
    const m = await store.queueOutgoing(outgoing('alice', 'u1'));
    await store.markIntent('alice', m.seq);
    await store.recordOutcome('alice', m.seq, { state: 'sent', providerMessageId: 'P1' });
    expect(await store.applyStatus('acct', { providerMessageId: 'P1' }, 'delivered')).toBe(true);
    expect(await store.applyStatus('acct', { providerMessageId: 'P1' }, 'sent')).toBe(false);
    expect(await store.applyStatus('acct', { uid: 'u1' }, 'read')).toBe(true);
    expect((await store.message('alice', m.seq))?.status).toBe('read');
    await store.close();
  });

  it('turns messages left in flight into ambiguous ones at start, and hands back the queued ones to send', async () => {
    const store = openSqliteStore(await freshFile());
    const inFlight = await store.queueOutgoing(outgoing('alice', 'u1'));
    await store.markIntent('alice', inFlight.seq);
    const waiting = await store.queueOutgoing(outgoing('alice', 'u2'));
    const { queued, ambiguous } = await store.recover();
    expect(ambiguous).toBe(1);
    expect(queued.map((m) => m.seq)).toEqual([waiting.seq]);
    expect((await store.message('alice', inFlight.seq))?.sendState).toBe('ambiguous');
    await store.close();
  });

  it('holds Fetch’s sent list before a message still in flight, so no cursor passes it', async () => {
    const store = openSqliteStore(await freshFile());
    const one = await store.queueOutgoing(outgoing('alice', 'u1'));
    await store.recordOutcome('alice', one.seq, { state: 'sent' });
    await store.queueOutgoing(outgoing('alice', 'u2')); // still queued
    const three = await store.queueOutgoing(outgoing('alice', 'u3'));
    await store.recordOutcome('alice', three.seq, { state: 'sent' });
    const page = await store.fetch('alice', { received: undefined, sent: undefined }, 100);
    expect(page.sent.map((m) => m.seq)).toEqual([one.seq]);
    await store.close();
  });
});
