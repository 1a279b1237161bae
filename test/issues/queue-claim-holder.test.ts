/**
 * Issue 9, item 1: a worker killed (or stopped) mid-batch left its in-flight messages claimed; a
 * second worker that could not load the account (a missing environment variable) got them back
 * and recorded them "failed, retryable" without holding their claims; enqueuing the same again
 * then released the first worker's intents, and those messages went out twice (208 arrivals for
 * 200 rows). Only the holder of a claim records an outcome now, and releasing a failure never
 * clears another worker's intent: every message arrives at most once.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../packages/queue/src/ledger.js';
import { arrivals, bulkDir, number, recipientsCsv } from '../helpers/bulk.js';
import { run } from '../helpers/cli.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const redis = useRedis();
const FAST = ['--lock-ms', '1500', '--stalled-ms', '500', '--concurrency', '8'];
const VARIABLE = 'SWITCHBOARD_TEST_QUEUE_PASSWORD';
const TOTAL = 200;

/** An account whose password comes from the environment, and a CSV of `TOTAL` rows. */
async function campaign() {
  const { dir, file } = await bulkDir();
  const account = join(dir, 'env-account.json');
  await writeFile(
    account,
    JSON.stringify({ provider: './test.json', username: 'johndow', password: { env: VARIABLE } }),
  );
  return { account, csv: await file('r.csv', recipientsCsv(TOTAL)) };
}

async function enqueue(account: string, csv: string, url: string) {
  process.env[VARIABLE] = 's3cr3t'; // enqueue checks that the account loads
  try {
    const result = await run(
      'enqueue',
      '--account',
      account,
      '--to-file',
      csv,
      '--body',
      'Hi',
      '--redis',
      url,
      '--json',
    );
    expect(result.code, result.err).toBe(0);
    return JSON.parse(result.out) as { enqueued: number; alreadyTaken: number };
  } finally {
    delete process.env[VARIABLE];
  }
}

describe.skipIf(!hasRedis)(hasRedis ? 'only the holder of a claim records' : `claims: ${NO_REDIS}`, () => {
  it.each(['SIGKILL', 'SIGSTOP'] as const)(
    'a worker %s-ed mid-batch, one without its account, then the same enqueue: each message arrives at most once',
    async (signal) => {
      const s = await server(
        () => (_request: unknown, res: ServerResponse) => setTimeout(() => res.writeHead(200).end('{}'), 30),
      );
      const r = await redis();
      const ledger = createLedger(r.client, 'switchboard');
      const { account, csv } = await campaign();
      expect(await enqueue(account, csv, r.url)).toMatchObject({ enqueued: TOTAL });

      const withPassword = { ...process.env, [VARIABLE]: 's3cr3t' };
      const victim = await r.worker(['--origin', s.origin, ...FAST], withPassword);
      await until(() => s.requests.length >= 40, 15_000, '40 requests');
      victim.child.kill(signal);

      // The second worker cannot load the account: it fails what nobody took, and gets the
      // victim's claimed messages back once their locks lapse.
      const broken = await r.worker(['--origin', s.origin, ...FAST]);
      await until(
        async () => {
          const c = await ledger.counts();
          return c.sent + c.failed + c.ambiguous === TOTAL;
        },
        15_000,
        'every message recorded',
      );
      await broken.stop();
      const afterFirst = await ledger.counts();
      expect(afterFirst.failed).toBeGreaterThan(0);

      // Enqueue the same again: only what failed with nothing sent goes back to the queue.
      expect(await enqueue(account, csv, r.url)).toMatchObject({ enqueued: afterFirst.failed });
      const fixed = await r.worker(['--origin', s.origin, ...FAST], withPassword);
      await until(
        async () => {
          const c = await ledger.counts();
          return c.failed === 0 && c.sent + c.ambiguous === TOTAL;
        },
        15_000,
        'the failed messages sent',
      );
      await fixed.stop();

      const counts = arrivals(s.requests);
      expect(Math.max(...counts.values())).toBe(1); // none twice
      const status = JSON.parse((await run('status', '--redis', r.url, '--json')).out) as {
        ambiguous: number;
        ambiguousMessages: { to: string }[];
      };
      expect(status.ambiguous).toBeLessThanOrEqual(8); // at most the victim's concurrency
      const ambiguous = new Set(status.ambiguousMessages.map((a) => a.to));
      const missing = Array.from({ length: TOTAL }, (_, i) => number(i)).filter(
        (n) => !ambiguous.has(n) && counts.get(n) !== 1,
      );
      expect(missing).toEqual([]); // every message not ambiguous arrived exactly once
    },
    30_000,
  );
});
