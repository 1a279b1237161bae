/**
 * Issue 16 items 7 and 10: the SQLite file and its -wal/-shm were world-readable; the docs'
 * `sqlite3 gateway.db ".backup copy.db"` failed while serving (the file was locked exclusively);
 * a damaged file gave "Internal error … please report it"; unrouted messages were never purged
 * and nothing read them.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import type { InboundEvent } from '../../src/webhook/events.js';
import { run } from '../helpers/cli.js';
import { writeGatewayFiles } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const exec = promisify(execFile);
const ALICE = { login: 'alice', password: 'files-password-0123', numbers: ['+15550100001'] };
const hasSqlite3 = await exec('sqlite3', ['-version']).then(
  () => true,
  () => false,
);

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function serving(extra: Record<string, unknown> = {}) {
  const { dir, file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE], { push: { enabled: false }, ...extra });
  gateway = await startGateway(await loadGateway(file), { port: 0 });
  return { dir, file, db: join(dir, 'gateway.db') };
}

const inbound = (n: number, to = '+15550100001', receivedAt?: string): InboundEvent => ({
  type: 'inbound',
  from: '+15551231234',
  to,
  text: `message ${n}`,
  providerMessageId: `SM-${n}`,
  media: [],
  dedupeKey: `SM-${n}`,
  ...(receivedAt === undefined ? {} : { receivedAt }),
});

function count(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return (db.prepare("SELECT count(*) AS n FROM messages WHERE direction = 'in'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the SQLite file', () => {
  it('and its -wal and -shm files are readable by their owner only', async () => {
    const { db } = await serving();
    await gateway?.ingest('provider-account.json', [inbound(1)]);
    expect(existsSync(`${db}-wal`)).toBe(true);
    for (const path of [db, `${db}-wal`, `${db}-shm`].filter((p) => existsSync(p)))
      expect(((await stat(path)).mode & 0o777).toString(8)).toBe('600');
  });

  it('is backed up by `gateway backup` in another process while the gateway writes', async () => {
    const { dir, file } = await serving();
    let written = 0;
    let writing = true;
    const writer = (async () => {
      // SQLite answers within microtasks: yield to the event loop after each write, as requests do.
      while (writing) {
        await gateway?.ingest('provider-account.json', [inbound(++written)]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    let failed: unknown;
    writer.catch((error: unknown) => (failed = error));
    while (written < 50 && failed === undefined) await new Promise((resolve) => setImmediate(resolve));
    expect(failed).toBeUndefined();
    const before = written;
    const copy = join(dir, 'copy.db');
    const { stderr } = await exec(process.execPath, ['dist/cli/main.js', 'gateway', 'backup', copy, '--config', file]);
    const after = written;
    writing = false;
    await writer;
    expect(stderr).toContain(`to ${copy}`);
    const rows = count(copy);
    expect(rows).toBeGreaterThanOrEqual(before - 1);
    expect(rows).toBeLessThanOrEqual(after);
    expect(((await stat(copy)).mode & 0o777).toString(8)).toBe('600');
  }, 60_000);

  it.skipIf(!hasSqlite3)('is backed up by the sqlite3 command the docs show, while serving', async () => {
    const { dir, db } = await serving();
    await gateway?.ingest('provider-account.json', [inbound(1), inbound(2)]);
    const copy = join(dir, 'sqlite3-copy.db');
    await exec('sqlite3', [db, `.backup ${copy}`]);
    expect(count(copy)).toBe(2);
  });

  it('damaged, stops the gateway from starting with one sentence saying so', async () => {
    const { dir, file, db } = await serving();
    await gateway?.ingest(
      'provider-account.json',
      Array.from({ length: 200 }, (_, i) => inbound(i)),
    );
    await gateway?.close();
    gateway = undefined;
    const handle = await open(db, 'r+');
    await handle.write(Buffer.alloc(4096, 0x5a), 0, 4096, 3 * 4096); // scribble over a whole page
    await handle.close();
    const started = await run('serve', '--config', file, '--port', '0');
    expect(started.code).toBe(2);
    expect(started.err).toContain(`${join(dir, 'gateway.db')} is damaged`);
    expect(started.err).not.toContain('Internal error');
    expect(started.err.trim().split('\n')).toHaveLength(1);
  }, 30_000);
});

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
}, 60_000);

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'unrouted') } })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('unrouted messages on %s', (_name, db) => {
  it('are listed by `gateway unrouted` while serving, and purged with the retention', async () => {
    const { file } = await serving({ limits: { retentionDays: 30 }, ...(await db()) });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await gateway?.ingest('provider-account.json', [inbound(1, '+15559999999', old), inbound(2, '+15559999998')]);
    const listed = JSON.parse((await run('gateway', 'unrouted', '--config', file, '--json')).out) as { to: string }[];
    expect(listed.map((m) => m.to)).toEqual(['+15559999998', '+15559999999']);
    expect(await gateway?.store.purge(Date.now() - 30 * 86_400_000)).toBe(1);
    const text = await run('gateway', 'unrouted', '--config', file);
    expect(text.out).toContain('+15559999998');
    expect(text.out).not.toContain('+15559999999');
  }, 30_000);
});
