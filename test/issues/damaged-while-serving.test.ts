/**
 * Issue 16, last gaps, item 4: `/readyz` on an SQLite file damaged while the gateway serves from
 * it said only `{"ready": false}`, and the app's calls got "internal error; see the gateway log".
 * The file is damaged as an outside fault would damage it: another connection checkpoints the
 * write-ahead log into the file (so the gateway reads its pages from disk again), then its pages
 * are scribbled over. Readiness then answers 503 with one sentence naming the file and what to do,
 * and the app is told the database is damaged.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import type { InboundEvent } from '../../src/webhook/events.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const ALICE = { login: 'alice', password: 'damaged-password-0123', numbers: ['+15550100001'] };
let gateway: Gateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const inbound = (n: number): InboundEvent => ({
  type: 'inbound',
  from: '+15551231234',
  to: '+15550100001',
  text: `message ${n} `.repeat(20),
  providerMessageId: `SM-${n}`,
  media: [],
  dedupeKey: `SM-${n}`,
});

/** Checkpoints the log into the file from another connection, then scribbles over every page but the first. */
async function damage(file: string): Promise<void> {
  const other = new Database(file);
  other.pragma('wal_checkpoint(TRUNCATE)');
  other.close();
  const handle = await open(file, 'r+');
  const { size } = await handle.stat();
  for (let at = 4096; at < size; at += 4096) await handle.write(Buffer.alloc(4096, 0x5a), 0, 4096, at);
  await handle.close();
}

describe('an SQLite file damaged while the gateway serves', () => {
  it('makes /readyz answer 503 with one sentence, and the app hear that the database is damaged', async () => {
    const logs: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const { dir, file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE], { push: { enabled: false } });
    gateway = await startGateway(await loadGateway(file), { port: 0 }, { logger: { level: 'error', stream } });
    await gateway.ingest(
      'provider-account.json',
      Array.from({ length: 300 }, (_, i) => inbound(i)),
    );
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    const db = join(dir, 'gateway.db');
    await damage(db);

    const fetched = await fetch(`${gateway.url}/acrobits/fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ALICE.login, password: ALICE.password }),
    });
    expect(fetched.status).toBe(503);
    expect(await fetched.json()).toEqual({
      message: "the gateway's database is damaged; the gateway's admin must restore it",
    });

    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    const { message } = (await ready.json()) as { message: string };
    expect(message).toMatch(new RegExp(`^${db.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged \\(`));
    expect(message).toContain('restore the last backup');
    expect(message.split('\n')).toHaveLength(1);
    expect(message.match(/\. /g)).toBeNull();
    expect(logs.some((l) => l.err === message)).toBe(true);
  }, 60_000);

  it('that is only read (no request touches it) is found by /readyz itself', async () => {
    const { dir, file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE], { push: { enabled: false } });
    gateway = await startGateway(await loadGateway(file), { port: 0 });
    await gateway.ingest(
      'provider-account.json',
      Array.from({ length: 300 }, (_, i) => inbound(i)),
    );
    await damage(join(dir, 'gateway.db'));
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { message: string }).message).toContain('gateway.db is damaged (');
  }, 60_000);
});
