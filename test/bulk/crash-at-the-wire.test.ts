/**
 * DESIGN §4.1, counted at a loopback provider that holds its answers: a message is "may have gone
 * out" only once its request was written. kill -9 of a bulk send while three requests are held and
 * one waits out a 503's Retry-After; `--resume` lists the three as ambiguous and never sends them
 * again, and sends every other message exactly once, the one that waited for its retry included.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { useServers } from '../helpers/setup.js';
import { bulkDir, journalRecords, number, pendingIds, recipientsCsv } from '../helpers/bulk.js';
import { holdingProvider } from '../helpers/holding-provider.js';
import { until } from '../helpers/redis.js';

const server = useServers();
const TOTAL = 30;

describe('a bulk send killed with requests on the wire', () => {
  it('resumes as ambiguous only what was written, and sends the rest once, a message waiting for its retry included', async () => {
    const provider = holdingProvider(number(0));
    const s = await server(provider.answer);
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', recipientsCsv(TOTAL));
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
    ];

    const child = spawn(process.execPath, ['dist/cli/main.js', ...args, '4'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    // The first message is refused with a 503 and waits 60 s to retry; three more are held on the wire.
    // It is withdrawn once the journal says so (a process dying before that write keeps it held).
    const journal = `${csv}.journal.jsonl`;
    await until(() => provider.refused && provider.held.length === 3, 20_000, 'one refused, three held');
    await until(async () => (await readFile(journal, 'utf8')).includes('"withdrawn"'), 20_000, 'the withdrawal');
    child.kill('SIGKILL');
    await exited;

    const records = await journalRecords(journal);
    const onWire = provider.held.map((h) => h.to).sort();
    const idOf = (to: string) => String(Number(to.slice(-4)) + 2); // the CSV line
    expect(pendingIds(records).sort()).toEqual(onWire.map(idOf).sort());
    // The refused message had its intent taken back before its wait.
    expect(records.filter((r) => r.id === '2').map((r) => r.event)).toEqual(['intent', 'withdrawn']);

    provider.answerAll();
    const resumed = await run(...args, '4', '--resume', '--json');
    const summary = JSON.parse(resumed.out) as { sent: number; ambiguous: { to: string }[]; failed: unknown[] };
    expect(summary.ambiguous.map((a) => a.to).sort()).toEqual(onWire);
    expect(summary).toMatchObject({ sent: TOTAL - onWire.length, failed: [] });

    // Counted at the provider: each held message once (never again), every other one accepted once.
    for (const to of onWire) expect(provider.received(to)).toBe(1);
    const others = Array.from({ length: TOTAL }, (_, i) => number(i)).filter((to) => !onWire.includes(to));
    expect(others.filter((to) => provider.accepted(to) !== 1)).toEqual([]);
    expect(provider.received(number(0))).toBe(2); // the 503, then the resumed send
  }, 60_000);
});
