#!/usr/bin/env node
/**
 * What Fetch's stop below a held message costs (issue 17, packages/gateway/src/store/media-holds.ts),
 * on SQLite as `serve` runs it (WAL, synchronous=FULL): the received page statement as it is,
 * against the same statement without the stop, as it was before. Both run in this one process on
 * one file, in alternating batches timed by CPU time, so load from the neighbours hits both
 * alike; the ratio of the medians is printed (1.00: no cost). Cases: a caught-up poll (the cursor at the newest message,
 * what most of an app's polls are) and a first page of 500, each with the holds table empty (the
 * normal case) and holding 50 files of other users. Run `npm run build` first.
 *
 * Options: --rounds N (default 40), --batch N (statements per batch, default 300).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { scratch } from './scratch.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return Number(at === -1 ? fallback : process.argv[at + 1]);
};
const rounds = option('rounds', 40);
const batch = option('batch', 300);

const { openSqliteStore } = await import('../packages/gateway/dist/store/sqlite-store.js');
const { FETCH_SQL, pageParams, receivedParams } = await import('../packages/gateway/dist/store/fetch-statements.js');
const { BELOW_HELD } = await import('../packages/gateway/dist/store/media-holds.js');

const file = join(await scratch('sb-fetch-hold-'), 'gateway.db');
await openSqliteStore(file).close();
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
// 10,000 received messages of one user, as a long-standing user's history.
db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
  INSERT INTO messages (login, seq, uid, direction, peer, own_number, body, content_type, disposition_notification,
    sending_date, created_ms, provider_account, provider_message_id, status, status_rank, send_state, error,
    dedupe_key, owner)
  SELECT 'listener', i, 'seed-' || i, 'in', '+15551231234', '+15550100001', 'a text of some seventy bytes, as most are ' || i,
    'text/plain', '', '2026-01-01T00:00:00Z', 0, 'acct', 'P' || i, 'delivered', 3, NULL, NULL, 'k' || i, NULL FROM n`);

const withStop = db.prepare(FETCH_SQL.received);
const before = db.prepare(FETCH_SQL.received.replace(` AND ${BELOW_HELD}`, ''));
if (before.source === withStop.source) throw new Error('the received statement has no stop to leave out');
const bounds = { count: 500, bytes: 256 * 1024 };

/** Median ns per statement of `statement` with `params`, and of the other, in alternating batches. */
function compare(params, oldParams) {
  const times = { now: [], before: [] };
  const run = (name, statement, values) => {
    // CPU time, not wall time: on a shared machine a neighbour's turn would count as ours.
    const start = process.cpuUsage();
    for (let i = 0; i < batch; i++) statement.all(...values);
    const used = process.cpuUsage(start);
    times[name].push(((used.user + used.system) * 1000) / batch);
  };
  for (let round = 0; round < rounds + 2; round++) {
    const first = round % 2 === 0;
    if (first) run('before', before, oldParams);
    run('now', withStop, params);
    if (!first) run('before', before, oldParams);
  }
  const median = (list) => list.slice(2).sort((a, b) => a - b)[Math.floor((list.length - 2) / 2)];
  return { now: median(times.now), before: median(times.before) };
}

const report = (label, cursor) => {
  const { now, before: old } = compare(
    receivedParams('listener', cursor, bounds, Date.now()),
    pageParams('listener', cursor, bounds),
  );
  const rows = withStop.all(...receivedParams('listener', cursor, bounds, Date.now())).length;
  console.log(
    `${label} (${rows} rows): with the stop ${(now / 1000).toFixed(2)} µs, without ${(old / 1000).toFixed(2)} µs, ratio ${(now / old).toFixed(2)}`,
  );
};

for (const holds of [0, 50]) {
  db.exec('DELETE FROM media_holds');
  const hold = db.prepare('INSERT INTO media_holds (login, seq, position, until_ms) VALUES (?, ?, 0, ?)');
  for (let i = 0; i < holds; i++) hold.run(`other-${i}`, i + 1, Date.now() + 3_600_000);
  console.log(`media_holds: ${holds} files of other users`);
  report('  caught-up poll', 10_000);
  report('  first page', undefined);
}
db.close();
