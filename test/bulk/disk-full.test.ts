/** A journal that cannot be written (a full disk) stops the send, says so, and no request goes out after the failed write. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJsonlJournal } from '../../src/bulk/jsonl-journal.js';
import { JournalError, type Journal } from '../../src/bulk/journal.js';
import { sendMany } from '../../src/bulk/send-many.js';
import type { BulkMessage } from '../../src/bulk/items.js';
import { run } from '../helpers/cli.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';
import { arrivals, bulkDir, journalRecords, number, recipientsCsv, sentOf } from '../helpers/bulk.js';

const server = useServers();
const provider = providerWith({
  url: 'https://sms.example.com/send',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%', ref: '%message_id%' },
});
const messages: BulkMessage[] = Array.from({ length: 10 }, (_, i) => ({
  id: `m${i}`,
  to: number(i),
  body: `Hello ${i}`,
}));

/** A file journal whose `failAt`-th write fails as a full disk does. */
function fillingJournal(path: string, failAt: number): Journal {
  const inner = createJsonlJournal(path);
  let writes = 0;
  const write = <T>(fn: () => Promise<T> | T): Promise<T> => {
    writes += 1;
    if (writes >= failAt)
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    return Promise.resolve(fn());
  };
  return {
    load: () => inner.load(),
    intend: (m) => write(() => inner.intend(m)),
    record: (id, o) => write(() => inner.record(id, o)),
    close: () => inner.close(),
  };
}

describe('a full disk', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'stops before the first request when the journal cannot be written (/dev/full), and says so',
    async () => {
      const s = await server(() => ({ status: 200 }));
      const { account, file } = await bulkDir();
      const csv = await file('r.csv', recipientsCsv(3));
      const { code, out, err } = await run(
        'send',
        '--account',
        account,
        '--origin',
        s.origin,
        '--to-file',
        csv,
        '--journal',
        '/dev/full',
        '--body',
        'Hi',
      );
      expect(code).toBe(1);
      expect(err).toContain(
        'Error: could not write the journal /dev/full (ENOSPC: no space left on device, write). The send stopped: no message was sent after that.',
      );
      expect(out).toContain('0 sent');
      expect(out).toContain(
        'Stopped before the end: run the same command again with --resume to send the 3 messages not reached.',
      );
      expect(s.requests).toHaveLength(0);
    },
  );

  it('stops at a failed intent write: that message and every later one stay unsent', async () => {
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    const sb = connect(provider, {}, { origin: s.origin });
    // One at a time, the writes go intent m0, outcome m0, intent m1, …: the 7th is m3's intent.
    const error = await sendMany(sb, messages, { journal: fillingJournal(path, 7), concurrency: 1 }).catch(
      (e: unknown) => e,
    );
    await sb.close();
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({
      code: 'JOURNAL_FAILED',
      message: 'could not write the journal (ENOSPC: no space left on device, write)',
      summary: { sent: 3 },
    });
    expect(sentOf(s.requests).map((m) => m.to)).toEqual([number(0), number(1), number(2)]);
  });

  it('stops at a failed outcome write: the sent message is held as ambiguous by --resume, the rest are sent once', async () => {
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    const sb = connect(provider, {}, { origin: s.origin });
    const error = await sendMany(sb, messages, { journal: fillingJournal(path, 6), concurrency: 1 }).catch(
      (e: unknown) => e,
    ); // m2's outcome
    expect(error).toMatchObject({ code: 'JOURNAL_FAILED', summary: { sent: 3 } });
    expect(s.requests).toHaveLength(3);

    const resumed = await sendMany(sb, messages, { journal: createJsonlJournal(path) });
    await sb.close();
    expect(resumed).toMatchObject({ sent: 7, skipped: 2, ambiguous: [{ id: 'm2', earlier: true }] });
    expect(Math.max(...arrivals(s.requests).values())).toBe(1);
    expect(s.requests).toHaveLength(10);
  });

  it.skipIf(process.platform !== 'linux')(
    'stops the CLI mid-send when the journal file hits its size limit; no request without a recorded intent',
    async () => {
      const s = await server(() => ({ status: 200 }));
      const { account, file } = await bulkDir();
      const csv = await file('r.csv', recipientsCsv(300));
      // ulimit -f makes writes past 4-8 KiB fail (EFBIG), as a full disk would, partway through a record.
      const child = spawn(
        '/bin/sh',
        [
          '-c',
          'ulimit -f 8 && exec "$0" "$@"',
          process.execPath,
          'dist/cli/main.js',
          'send',
          '--account',
          account,
          '--origin',
          s.origin,
          '--to-file',
          csv,
          '--body',
          'Hi',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(1);
      expect(stderr).toMatch(
        /Error: could not write the journal .*r\.csv\.journal\.jsonl \(EFBIG: file too large, write\)\. The send stopped: no message was sent after that\./,
      );

      const records = await journalRecords(`${csv}.journal.jsonl`);
      const campaign = records[0]?.campaign;
      const intended = new Set(records.filter((r) => r.event === 'intent').map((r) => `${campaign}-${r.id}`));
      const received = sentOf(s.requests).map((m) => m.ref);
      expect(received.length).toBeGreaterThan(0);
      expect(received.length).toBeLessThan(300);
      expect(received.filter((ref) => !intended.has(ref))).toEqual([]);
    },
  );
});
