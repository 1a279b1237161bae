/**
 * The queue's promise, proven by counting what a loopback provider received: workers in separate
 * processes send every message once; a worker killed mid-batch leaves its in-flight messages
 * ambiguous (never sent again) and the rest to the other worker; a Redis restart loses nothing.
 */
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../packages/queue/src/ledger.js';
import { arrivals, bulkDir, number, recipientsCsv, sentOf } from '../helpers/bulk.js';
import { run } from '../helpers/cli.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const redis = useRedis();
/** Short locks, so a dead worker's jobs move on within about two seconds. */
const FAST = ['--lock-ms', '1500', '--stalled-ms', '500', '--concurrency', '8'];

/** A provider that answers after `ms`, so requests are in flight. */
const slow = (ms: number) => () => (_request: unknown, res: ServerResponse) =>
  setTimeout(() => res.writeHead(200).end('{}'), ms);

async function enqueueCsv(url: string, total: number, provider: Parameters<typeof bulkDir>[0] = {}) {
  const { account, file } = await bulkDir(provider);
  const csv = await file('r.csv', recipientsCsv(total));
  const result = await run(
    'enqueue',
    '--account',
    account,
    '--to-file',
    csv,
    '--body',
    'Hi %csv[name]%',
    '--redis',
    url,
    '--json',
  );
  expect(result.code).toBe(0);
  return { account, csv, summary: JSON.parse(result.out) as { enqueued: number; campaign: string } };
}

async function recorded(client: Parameters<typeof createLedger>[0]) {
  const c = await createLedger(client, 'switchboard').counts();
  return c.sent + c.failed + c.ambiguous;
}

// Several processes timed against each other on a 2-core machine: one retry is allowed (vitest reports it).
describe.skipIf(!hasRedis)(hasRedis ? 'queue workers' : `queue workers: ${NO_REDIS}`, { retry: 1 }, () => {
  it('two workers send every enqueued message exactly once, and enqueuing again adds nothing', async () => {
    const s = await server(slow(2));
    const r = await redis();
    const total = 400;
    const { account, csv, summary } = await enqueueCsv(r.url, total);
    expect(summary.enqueued).toBe(total);
    const again = await run(
      'enqueue',
      '--account',
      account,
      '--to-file',
      csv,
      '--body',
      'Hi %csv[name]%',
      '--redis',
      r.url,
      '--json',
    );
    expect(JSON.parse(again.out)).toMatchObject({ enqueued: 0, alreadyQueued: total });

    const workers = await Promise.all([
      r.worker(['--origin', s.origin, ...FAST]),
      r.worker(['--origin', s.origin, ...FAST]),
    ]);
    await until(async () => (await recorded(r.client)) === total, 15_000, 'every message recorded');
    await Promise.all(workers.map((w) => w.stop()));

    const counts = arrivals(s.requests);
    expect(counts.size).toBe(total);
    expect(Math.max(...counts.values())).toBe(1);
    expect(sentOf(s.requests).every((m) => m.ref.startsWith(`${summary.campaign}-`))).toBe(true);
    // Both workers took part.
    expect(workers.map((w) => Number(/stopped: (\d+) sent/.exec(w.output())?.[1] ?? 0)).every((n) => n > 0)).toBe(true);

    const status = await run('status', '--redis', r.url, '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ waiting: 0, active: 0, sent: total, failed: 0, ambiguous: 0 });
    const third = await run(
      'enqueue',
      '--account',
      account,
      '--to-file',
      csv,
      '--body',
      'Hi %csv[name]%',
      '--redis',
      r.url,
      '--json',
    );
    expect(JSON.parse(third.out)).toMatchObject({ enqueued: 0, alreadyTaken: total });
  }, 20_000);

  it('a worker logs its counts and rate while it sends (--log-every), and its totals when it stops', async () => {
    const s = await server(slow(100));
    const r = await redis();
    await enqueueCsv(r.url, 60);
    const w = await r.worker(['--origin', s.origin, '--concurrency', '4', '--log-every', '1']);
    await until(async () => (await recorded(r.client)) === 60, 15_000, 'every message recorded');
    await w.stop();
    const lines = w.output().split('\n');
    const progress = lines.filter((line) =>
      /^worker \S+: \d+ sent, 0 failed, 0 ambiguous, 0 already done; [\d.]+\/s$/.test(line),
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(lines).toContainEqual(
      expect.stringMatching(/^worker \S+ stopped: 60 sent, 0 failed, 0 ambiguous, 0 already done$/),
    );
  }, 20_000);

  it('a worker killed mid-batch: the other sends the rest, none twice, its in-flight messages are ambiguous', async () => {
    const s = await server(slow(30));
    const r = await redis();
    const total = 300;
    await enqueueCsv(r.url, total);
    const victim = await r.worker(['--origin', s.origin, ...FAST]);
    const survivor = await r.worker(['--origin', s.origin, ...FAST]);
    await until(() => s.requests.length >= 100, 15_000, '100 requests');
    const exited = once(victim.child, 'exit');
    victim.child.kill('SIGKILL');
    expect((await exited)[1]).toBe('SIGKILL');

    await until(async () => (await recorded(r.client)) === total, 15_000, 'every message recorded');
    await survivor.stop();
    await sleep(50);

    const status = JSON.parse((await run('status', '--redis', r.url, '--json')).out) as {
      sent: number;
      failed: number;
      ambiguous: number;
      waiting: number;
      active: number;
      ambiguousMessages: { to: string }[];
    };
    // The killed worker had at most its concurrency in flight; they may have arrived, so they are not sent again.
    expect(status.ambiguous).toBeGreaterThan(0);
    expect(status.ambiguous).toBeLessThanOrEqual(8);
    expect(status).toMatchObject({ sent: total - status.ambiguous, failed: 0, waiting: 0, active: 0 });

    const counts = arrivals(s.requests);
    expect(Math.max(...counts.values())).toBe(1); // none twice
    const ambiguous = new Set(status.ambiguousMessages.map((a) => a.to));
    expect(ambiguous.size).toBe(status.ambiguous);
    const missing = Array.from({ length: total }, (_, i) => number(i)).filter(
      (n) => !ambiguous.has(n) && counts.get(n) !== 1,
    );
    expect(missing).toEqual([]); // every message not ambiguous arrived exactly once
  }, 25_000);

  it('a worker killed while the rate limits hold its messages: they were not claimed, so another worker sends them; none ambiguous', async () => {
    const s = await server(() => ({ status: 200, body: '{}' }));
    const r = await redis();
    const total = 30;
    await enqueueCsv(r.url, total, {
      rateLimits: [{ description: 'per account', requests: 5, perSeconds: 1, key: '%account[username]%' }],
    });
    const victim = await r.worker(['--origin', s.origin, ...FAST]);
    await until(() => s.requests.length >= 5, 15_000, '5 requests');
    await sleep(300); // the worker holds 8 jobs: 5 sent, the others waiting for the next second
    expect(s.requests).toHaveLength(5);
    const exited = once(victim.child, 'exit');
    victim.child.kill('SIGKILL');
    await exited;

    const survivor = await r.worker(['--origin', s.origin, ...FAST]);
    await until(async () => (await recorded(r.client)) === total, 20_000, 'every message recorded');
    await survivor.stop();
    expect(JSON.parse((await run('status', '--redis', r.url, '--json')).out)).toMatchObject({
      sent: total,
      failed: 0,
      ambiguous: 0,
      waiting: 0,
      active: 0,
    });
    const counts = arrivals(s.requests);
    expect(counts.size).toBe(total);
    expect(Math.max(...counts.values())).toBe(1);
  }, 30_000);

  it('Redis restarted during a run: the queue survives (append-only file), all sent, none twice', async () => {
    const s = await server(slow(10));
    const r = await redis();
    const total = 300;
    await enqueueCsv(r.url, total);
    const workers = await Promise.all([
      r.worker(['--origin', s.origin, '--lock-ms', '5000', '--stalled-ms', '1000']),
      r.worker(['--origin', s.origin, '--lock-ms', '5000', '--stalled-ms', '1000']),
    ]);
    await until(() => s.requests.length >= 80, 15_000, '80 requests');
    await r.restart(200);
    const afterRestart = s.requests.length;
    await until(async () => (await recorded(r.client)) === total, 15_000, 'every message recorded');
    await Promise.all(workers.map((w) => w.stop()));

    expect(afterRestart).toBeLessThan(total); // the restart was mid-run
    const counts = arrivals(s.requests);
    expect(counts.size).toBe(total);
    expect(Math.max(...counts.values())).toBe(1);
    expect(JSON.parse((await run('status', '--redis', r.url, '--json')).out)).toMatchObject({
      sent: total,
      failed: 0,
      ambiguous: 0,
      waiting: 0,
    });
  }, 25_000);
});
