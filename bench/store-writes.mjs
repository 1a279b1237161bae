#!/usr/bin/env node
/**
 * Store-writes bench (`npm run bench:store`): the CPU one outgoing message costs the gateway's
 * SQLite store, in-process (no HTTP, no provider): its intent inserted, its outcome recorded, and
 * its row read back, 16 messages at a time through the group commit, as the send paths do. The
 * shipped store (with the API's status timeline, kept by triggers) against the same store with
 * those triggers dropped: the ratio is what the timeline leaves of the bare durable writes. Rounds
 * alternate between the two, so a busy machine weighs on both alike.
 *
 * --sends N per round (default 2000), --rounds N (default 4). Files in a temporary folder.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { scratch } from './scratch.mjs';

const { openSqliteStore } = await import('../packages/gateway/dist/store/sqlite-store.js');

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};
const CONCURRENCY = 16;

async function openBoth(dir) {
  const shipped = join(dir, 'shipped.db');
  const bare = join(dir, 'bare.db');
  for (const file of [shipped, bare]) await openSqliteStore(file).close();
  const db = new Database(bare);
  for (const { name } of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all())
    db.exec(`DROP TRIGGER ${name}`);
  db.close();
  return { shipped: openSqliteStore(shipped), bare: openSqliteStore(bare) };
}

/** CPU µs per message and messages/s over `n` sends. */
async function round(store, n) {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const sender = async () => {
    while (next < n) {
      const i = next++;
      const record = {
        login: 'bench',
        uid: randomUUID(),
        ownNumber: '+15550100001',
        peer: '+15551231234',
        text: `bench ${i}`,
        contentType: 'text/plain',
        dispositionNotification: '',
        providerAccount: 'twilio',
      };
      const stored = await store.insertOutgoing(record, { state: 'intent' });
      await new Promise((resolve) => setImmediate(resolve)); // the provider's answer comes in a later turn
      await store.recordOutcome(stored.login, stored.seq, { state: 'sent', providerMessageId: `SM${i}` });
      await store.message(stored.login, stored.seq);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / n, rate: n / ((performance.now() - start) / 1000) };
}

const n = Number(option('sends', '2000'));
const rounds = Number(option('rounds', '4'));
const stores = await openBoth(await scratch('sb-bench-store-'));
await round(stores.shipped, 200);
await round(stores.bare, 200);
const results = { shipped: [], bare: [] };
for (let r = 0; r < rounds; r++)
  for (const kind of ['bare', 'shipped']) results[kind].push(await round(stores[kind], n));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cpu = (kind) => mean(results[kind].map((x) => x.cpuUs));
const rate = (kind) => mean(results[kind].map((x) => x.rate));
console.log(
  `store writes per outgoing message (intent, outcome, read), SQLite, ${CONCURRENCY} at a time: ` +
    `with the status timeline ${cpu('shipped').toFixed(0)} µs CPU, ${rate('shipped').toFixed(0)} msg/s; ` +
    `without ${cpu('bare').toFixed(0)} µs CPU, ${rate('bare').toFixed(0)} msg/s; ` +
    `CPU ratio ${(cpu('bare') / cpu('shipped')).toFixed(2)}`,
);
await stores.shipped.close();
await stores.bare.close();
