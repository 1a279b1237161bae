/**
 * Issue 9, item 2: two `--resume` runs started together after a crash could both take over the
 * dead run's journal lock (read, check the pid, unlink, create: not atomic), sending every
 * remaining message twice, or the loser failed with a raw ENOENT. Takeover is atomic now: exactly
 * one run wins, the others fail with JOURNAL_LOCKED. Real processes race, many times over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrivals, bulkDir, number, recipientsCsv } from '../helpers/bulk.js';
import { until } from '../helpers/redis.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const LOCK_MODULE = resolve('dist/bulk/journal-lock.js');

/**
 * The lock a run that was killed leaves: a process id that no longer runs, on this host. With
 * `pad`, a long extra field makes reading the lock take milliseconds, as on a slow disk: a
 * takeover that is not atomic then loses the race nearly every time, on any machine.
 */
async function staleLock(journal: string, pad = 0): Promise<void> {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const owner = { pid: dead, host: hostname(), at: '2026-01-01T00:00:00.000Z', pad: 'x'.repeat(pad) };
  await writeFile(`${journal}.lock`, JSON.stringify(owner));
}

/** A process that says when it is ready, waits for the start time it is given (so racers start within a millisecond of each other), takes the lock and holds it 400 ms. */
const RACER = `
const { lockJournal } = await import(process.argv[1]);
const journal = process.argv[2];
console.log('ready');
process.stdin.once('data', (goAt) => {
  while (Date.now() < Number(goAt));
  try {
    const release = lockJournal(journal);
    console.log('won');
    setTimeout(release, 400);
  } catch (error) {
    console.log(error.code ?? 'no code', error.message);
  }
  process.stdin.destroy();
});
`;

async function race(journal: string, racers: number): Promise<string[]> {
  const children = Array.from({ length: racers }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', RACER, LOCK_MODULE, journal], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const exits = children.map((child) => once(child, 'exit'));
  const outputs = children.map((child) => {
    const out = { text: '' };
    child.stdout.on('data', (chunk: Buffer) => (out.text += chunk.toString()));
    return out;
  });
  await until(() => outputs.every((o) => o.text.startsWith('ready')));
  const goAt = String(Date.now() + 30);
  for (const child of children) child.stdin.end(goAt);
  await Promise.all(exits);
  return outputs.map((o) => o.text.replace(/^ready\n/, '').trim());
}

describe('taking over the lock of a run that died', () => {
  it('lets exactly one of three processes racing for it win; the others fail with JOURNAL_LOCKED, never ENOENT', async () => {
    const { dir } = await bulkDir();
    for (let round = 0; round < 4; round++) {
      const journal = join(dir, `j${round}.jsonl`);
      await staleLock(journal, 4_000_000);
      const outcomes = await race(journal, 3);
      expect(
        outcomes.filter((o) => o === 'won'),
        outcomes.join('\n'),
      ).toHaveLength(1);
      expect(
        outcomes.filter((o) => o !== 'won').every((o) => o.startsWith('JOURNAL_LOCKED')),
        outcomes.join('\n'),
      ).toBe(true);
    }
  }, 20_000);

  it('two --resume runs started together after a crash: one sends the rest once, the other is refused', async () => {
    // Slow answers, so the winner still holds the lock when the loser looks, even when a loaded
    // machine starts the second process seconds after the first (18 rows × 300 ms).
    const s = await server(() => (_request, res) => setTimeout(() => res.writeHead(200).end('{}'), 300));
    for (let round = 0; round < 2; round++) {
      const { account, file } = await bulkDir();
      const csv = await file('r.csv', recipientsCsv(20));
      const journal = `${csv}.journal.jsonl`;
      // What a killed run left: its journal (row 0 sent, row 1 in flight) and its lock.
      const record = (line: number, event: string) =>
        JSON.stringify({ v: 1, id: String(line + 2), at: '2026-01-01T00:00:01.000Z', event, to: number(line) });
      const start = JSON.stringify({ v: 1, event: 'start', campaign: `c${round}`, at: '2026-01-01T00:00:00.000Z' });
      await writeFile(journal, [start, record(0, 'intent'), record(0, 'sent'), record(1, 'intent'), ''].join('\n'));
      await staleLock(journal, 4_000_000);
      const before = s.requests.length;
      const args = ['send', '--account', account, '--origin', s.origin, '--to-file', csv, '--body', 'Hi', '--resume'];
      const runs = await Promise.all(
        [0, 1].map(async () => {
          const child = spawn(process.execPath, ['dist/cli/main.js', ...args, '--concurrency', '1'], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let err = '';
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.stdout.resume();
          const [code] = (await once(child, 'exit')) as [number];
          return { code, err };
        }),
      );
      const codes = runs.map((r) => r.code).sort();
      // The winner exits 1 (row 1 is ambiguous); the loser 2, a usage error naming the lock.
      expect(codes, runs.map((r) => r.err).join('\n')).toEqual([1, 2]);
      expect(runs.find((r) => r.code === 2)?.err).toMatch(/is in use by (process \d+|another run \(taking over)/);
      const counts = arrivals(s.requests.slice(before));
      expect(counts.size).toBe(18); // rows 2..19; row 0 was sent, row 1 is ambiguous
      expect(Math.max(...counts.values())).toBe(1);
    }
  }, 45_000);
});
