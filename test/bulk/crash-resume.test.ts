/**
 * The promise of the journal, proven by counting what the provider received: after `kill -9`
 * mid-send, `--resume` sends every recipient that was not sent and none twice, and lists the ones
 * whose request may have gone out (an intent without an outcome) instead of sending them.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { useServers } from '../helpers/setup.js';
import { arrivals, bulkDir, journalRecords, number, pendingIds, recipientsCsv, sentOf } from '../helpers/bulk.js';

const server = useServers();
const TOTAL = 300;

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(2);
  }
}

describe('crash and resume', () => {
  it('after kill -9, --resume sends every recipient not sent, none twice, and lists the ambiguous ones', async () => {
    // A provider that answers after 20 ms, so requests are in flight when the process dies.
    const s = await server(() => (_request, res) => setTimeout(() => res.writeHead(200).end('{}'), 20));
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', recipientsCsv(TOTAL));
    const args = ['send', '--account', account, '--origin', s.origin, '--to-file', csv, '--body', 'Hi %csv[name]%'];

    const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    await until(() => s.requests.length >= 100);
    child.kill('SIGKILL');
    expect((await exited)[1]).toBe('SIGKILL');
    await sleep(100); // let requests already on the wire arrive

    const records = await journalRecords(`${csv}.journal.jsonl`);
    const pending = pendingIds(records);
    const sentBefore = new Set(records.filter((r) => r.event === 'sent').map((r) => r.id)).size;
    expect(s.requests.length).toBeLessThan(TOTAL);
    expect(pending.length).toBeGreaterThan(0);

    const resumed = await run(...args, '--resume', '--json');
    const summary = JSON.parse(resumed.out) as {
      sent: number;
      skipped: number;
      ambiguous: { id: string; to: string; earlier: boolean }[];
      failed: unknown[];
      campaign: string;
    };
    expect(resumed.code).toBe(1); // not everything is known to be sent: the ambiguous ones are for the user
    expect(summary.ambiguous.map((a) => a.id).sort()).toEqual([...pending].sort());
    expect(summary.ambiguous.every((a) => a.earlier)).toBe(true);
    expect(summary).toMatchObject({ skipped: sentBefore, sent: TOTAL - sentBefore - pending.length, failed: [] });

    const counts = arrivals(s.requests);
    expect(Math.max(...counts.values())).toBe(1); // none twice
    const ambiguous = new Set(summary.ambiguous.map((a) => a.to));
    const missing = Array.from({ length: TOTAL }, (_, i) => number(i)).filter(
      (n) => !ambiguous.has(n) && counts.get(n) !== 1,
    );
    expect(missing).toEqual([]); // every recipient not ambiguous arrived exactly once
    // Both runs gave each message the same %message_id%: the journal's campaign and the row's line.
    expect(new Set(sentOf(s.requests).map((m) => m.ref.split('-')[0]))).toEqual(new Set([summary.campaign]));
    expect(sentOf(s.requests).every((m) => m.ref === `${summary.campaign}-${Number(m.to.slice(-4)) + 2}`)).toBe(true);
  }, 30_000);

  it('records no intent for a message still held by the rate limits, so after kill -9 --resume sends it rather than listing it', async () => {
    // 10 requests a second for the account: the first 10 go at once, the other 30 wait in the limiter.
    const s = await server(() => ({ status: 200, body: '{}' }));
    const { account, file } = await bulkDir({
      rateLimits: [{ description: 'per account', requests: 10, perSeconds: 1, key: '%account[username]%' }],
    });
    const csv = await file('r.csv', recipientsCsv(40));
    const args = [
      'send',
      '--account',
      account,
      '--origin',
      s.origin,
      '--to-file',
      csv,
      '--body',
      'Hi',
      '--concurrency',
      '8',
    ];

    const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    await until(() => s.requests.length >= 10);
    await sleep(300); // 8 more messages are now waiting for the next second
    expect(s.requests.length).toBe(10);
    child.kill('SIGKILL');
    await exited;

    // Before the fix their intents were written before the wait: 8 ambiguous messages that were never sent.
    const records = await journalRecords(`${csv}.journal.jsonl`);
    expect(pendingIds(records)).toEqual([]);
    expect(records.filter((r) => r.event === 'intent')).toHaveLength(10);

    const resumed = await run(...args, '--resume', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ skipped: 10, sent: 30, ambiguous: [], failed: [] });
    const counts = arrivals(s.requests);
    expect(counts.size).toBe(40);
    expect(Math.max(...counts.values())).toBe(1);
  }, 30_000);
});
