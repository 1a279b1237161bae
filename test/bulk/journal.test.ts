/**
 * The journal after damage: a cut-off last line and a damaged line inside are recovered as
 * documented, and a resumed send never silently sends a message again.
 */
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJsonlJournal } from '../../src/bulk/jsonl-journal.js';
import { JournalError } from '../../src/bulk/journal.js';
import { sendMany } from '../../src/bulk/send-many.js';
import type { BulkMessage } from '../../src/bulk/items.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';
import { bulkDir, journalRecords, number } from '../helpers/bulk.js';

const server = useServers();
const provider = providerWith({
  url: 'https://sms.example.com/send',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%', ref: '%message_id%' },
});

function messages(n: number): BulkMessage[] {
  return Array.from({ length: n }, (_, i) => ({ id: `m${i}`, to: number(i), body: `Hello ${i}` }));
}

/** Sends `list` with a journal at `path` through a fresh connector; the server's requests show what went out. */
async function send(origin: string, path: string, list: readonly BulkMessage[], fsync = false) {
  const sb = connect(provider, {}, { origin });
  try {
    return await sendMany(sb, list, { journal: createJsonlJournal(path, { fsync }), concurrency: 4 });
  } finally {
    await sb.close();
  }
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n');
}

describe('the JSONL journal', () => {
  it('records an intent before each request and the outcome after, and a resumed send skips what was sent', async () => {
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    const first = await send(s.origin, path, messages(5));
    expect(first).toMatchObject({ sent: 5, skipped: 0, failed: [], ambiguous: [], interrupted: false });
    const records = await journalRecords(path);
    expect(records[0]).toMatchObject({ v: 1, event: 'start', campaign: first.campaign });
    for (const id of ['m0', 'm4'])
      expect(records.filter((r) => r.id === id).map((r) => r.event)).toEqual(['intent', 'sent']);
    const again = await send(s.origin, path, messages(8), true);
    expect(again).toMatchObject({ sent: 3, skipped: 5, campaign: first.campaign });
    expect(s.requests).toHaveLength(8);
  });

  it('ignores a last line cut off mid-record, holds its message as ambiguous, and sends the rest', async () => {
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    await send(s.origin, path, messages(6));
    const text = await readFile(path, 'utf8');
    const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
    expect(lastLine).toMatch(/"event":"sent"/);
    const cutAt = text.length - Math.floor(lastLine.length / 2);
    await truncate(path, cutAt);
    const cutId = /"id":"(m\d)"/.exec(lastLine)?.[1];

    const resumed = await send(s.origin, path, messages(10));
    expect(resumed.warnings).toEqual([
      expect.stringMatching(/j\.jsonl line \d+ was cut off mid-record \(an interrupted write\) and is ignored/),
    ]);
    expect(resumed).toMatchObject({
      sent: 4,
      skipped: 5,
      ambiguous: [{ id: cutId, reason: 'no outcome recorded: the run stopped while it was being sent', earlier: true }],
    });
    expect(s.requests).toHaveLength(10); // 6, then only the 4 new ones
    // The cut-off bytes were removed before appending: every line is a whole record again.
    expect((await lines(path)).slice(0, -1).every((line) => JSON.parse(line) !== null)).toBe(true);
  });

  it('holds the message a damaged line names as ambiguous, unless a later line records it, and sends nothing again', async () => {
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    await send(s.origin, path, messages(6));
    const all = await lines(path);
    const sentLine = all.findIndex((line) => line.includes('"id":"m2"') && line.includes('"sent"'));
    const intentLine = all.findIndex((line) => line.includes('"id":"m4"') && line.includes('"intent"'));
    all[sentLine] = `${all[sentLine]?.slice(0, 40)}\u0000\u0000#garbage`; // m2's outcome is unreadable: m2 may have been sent
    all[intentLine] = `${all[intentLine]?.slice(0, 30)}%%`; // m4's intent is damaged, but its outcome follows
    await writeFile(path, all.join('\n'));

    const resumed = await send(s.origin, path, messages(6));
    expect(resumed).toMatchObject({
      sent: 0,
      skipped: 5,
      ambiguous: [
        { id: 'm2', to: number(2), reason: `its journal record (line ${sentLine + 1}) is damaged`, earlier: true },
      ],
    });
    expect(resumed.warnings).toEqual([
      expect.stringContaining(`line ${intentLine + 1} is damaged; it names message m4`),
      expect.stringContaining(`line ${sentLine + 1} is damaged; it names message m2, which is held as ambiguous`),
    ]);
    expect(s.requests).toHaveLength(6);
  });

  it('refuses to resume past a damaged line that names no message, saying which line, and sends nothing', async () => {
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    await send(s.origin, path, messages(4));
    const all = await lines(path);
    all[3] = '\u0000'.repeat(20);
    await writeFile(path, all.join('\n'));

    const error = await send(s.origin, path, messages(8)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({ code: 'JOURNAL_CORRUPT', where: { file: path, line: 4 } });
    expect((error as Error).message).toContain(`${path} line 4 is damaged and does not show which message it recorded`);
    expect(s.requests).toHaveLength(4);
  });

  it('stops when a message id was recorded for another recipient (the input changed)', async () => {
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    await send(s.origin, path, messages(3));
    const changed = messages(5).map((m, i) => (i === 1 ? { ...m, to: '+15559990000' } : m));
    const error = await send(s.origin, path, changed).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'JOURNAL_MISMATCH', summary: { sent: 0, skipped: 1 } });
    expect((error as Error).message).toContain(
      'message m1 is to +15559990000, but the journal recorded it to +15551230001',
    );
    expect(s.requests).toHaveLength(3);
  });

  it('stops the run, instead of crashing the process, when the caller’s onProgress throws', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(provider, {}, { origin: s.origin });
    const run = sendMany(sb, messages(3), {
      onProgress: () => {
        throw new Error('progress view broke');
      },
    });
    await expect(run).rejects.toThrow('progress view broke');
    await sb.close();
  });

  describe('one run at a time', () => {
    it('refuses a second run on a journal in use, and lets it in once the first has closed', async () => {
      const s = await server(() => ({ status: 200 }));
      const { dir } = await bulkDir();
      const path = join(dir, 'run.jsonl');
      const first = createJsonlJournal(path);
      await first.load();
      const sb = connect(provider, {}, { origin: s.origin });
      const second = sendMany(sb, messages(3), { journal: createJsonlJournal(path) });
      await expect(second).rejects.toMatchObject({
        code: 'JOURNAL_LOCKED',
        message: expect.stringMatching(new RegExp(`in use by process ${process.pid} on .*delete ${path}\\.lock`)),
      });
      expect(s.requests).toHaveLength(0);
      await expect(readFile(`${path}.lock`, 'utf8')).resolves.toContain(`"pid":${process.pid}`); // the refused run left the lock alone
      await first.close();
      await expect(readFile(`${path}.lock`, 'utf8')).rejects.toThrow(/ENOENT/);
      await expect(sendMany(sb, messages(3), { journal: createJsonlJournal(path) })).resolves.toMatchObject({
        sent: 3,
      });
      await sb.close();
    });

    it('takes over a lock left by a run that died on this host', async () => {
      const s = await server(() => ({ status: 200 }));
      const { dir } = await bulkDir();
      const path = join(dir, 'run.jsonl');
      const { spawnSync } = await import('node:child_process');
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      const { hostname } = await import('node:os');
      await writeFile(
        `${path}.lock`,
        JSON.stringify({ pid: Number(dead.stdout), host: hostname(), at: '2026-01-01T00:00:00.000Z' }),
      );
      await expect(send(s.origin, path, messages(2))).resolves.toMatchObject({ sent: 2 });
    });

    it('refuses a lock held on another host, which it cannot check', async () => {
      const { dir } = await bulkDir();
      const path = join(dir, 'run.jsonl');
      await writeFile(
        `${path}.lock`,
        JSON.stringify({ pid: 1, host: 'other-machine', at: '2026-01-01T00:00:00.000Z' }),
      );
      await expect(createJsonlJournal(path).load()).rejects.toThrow(/in use by process 1 on other-machine/);
    });
  });
});
