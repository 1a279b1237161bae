/**
 * Issue 9, item 4: a journal line holding two records (a newline lost) protected only the first;
 * the second, hidden intent was sent again on resume. Every record on such a line counts, and a
 * damaged line that holds more records than it shows ids stops the resume.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJsonlJournal } from '../../src/bulk/jsonl-journal.js';
import { JournalError } from '../../src/bulk/journal.js';
import { sendMany } from '../../src/bulk/send-many.js';
import type { BulkMessage } from '../../src/bulk/items.js';
import { arrivals, bulkDir, journalRecords, number } from '../helpers/bulk.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const provider = providerWith({
  url: 'https://sms.example.com/send',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%', ref: '%message_id%' },
});
const messages: BulkMessage[] = Array.from({ length: 5 }, (_, i) => ({ id: `m${i}`, to: number(i), body: `Hi ${i}` }));

const start = JSON.stringify({ v: 1, event: 'start', campaign: 'c1', at: '2026-01-01T00:00:00.000Z' });
const record = (i: number, event: string) =>
  JSON.stringify({ v: 1, id: `m${i}`, at: '2026-01-01T00:00:01.000Z', event, to: number(i) });

/** Writes `text` as the journal, resumes the five messages, and returns what arrived and the summary. */
async function resume(text: string) {
  const s = await server(() => ({ status: 200 }));
  const path = join((await bulkDir()).dir, 'j.jsonl');
  await writeFile(path, text);
  const sb = connect(provider, {}, { origin: s.origin });
  try {
    const summary = await sendMany(sb, messages, { journal: createJsonlJournal(path) });
    return { summary, counts: arrivals(s.requests), path };
  } finally {
    await sb.close();
  }
}

describe('a journal line holding two records', () => {
  it('holds both intents of a line that lost its newline, and sends neither again', async () => {
    const text = [start, record(0, 'intent'), record(0, 'sent'), record(1, 'intent') + record(2, 'intent'), ''].join(
      '\n',
    );
    const { summary, counts } = await resume(text);
    expect(summary.ambiguous.map((a) => a.id).sort()).toEqual(['m1', 'm2']);
    expect(summary).toMatchObject({ sent: 2, skipped: 1 });
    expect([...counts.keys()].sort()).toEqual([number(3), number(4)]);
    expect(summary.warnings).toContainEqual(expect.stringContaining('line 4 holds 2 records (a newline was lost)'));
  });

  it('reads an outcome joined to the next intent as both: the sent one skipped, the intended one held', async () => {
    const text = [start, record(1, 'intent'), record(1, 'sent') + record(2, 'intent'), ''].join('\n');
    const { summary, counts } = await resume(text);
    expect(summary.ambiguous.map((a) => a.id)).toEqual(['m2']);
    expect(summary).toMatchObject({ sent: 3, skipped: 1 });
    expect(counts.has(number(1)) || counts.has(number(2))).toBe(false);
  });

  it('holds every message a damaged joined line names', async () => {
    const damaged = `${record(1, 'intent')}${record(2, 'intent').slice(0, -3)}%%`;
    const { summary, counts } = await resume([start, damaged, record(3, 'intent'), record(3, 'sent'), ''].join('\n'));
    expect(summary.ambiguous.map((a) => a.id).sort()).toEqual(['m1', 'm2']);
    expect([...counts.keys()].sort()).toEqual([number(0), number(4)]);
  });

  it('stops with JOURNAL_CORRUPT when a damaged line holds a record whose id cannot be read, and sends nothing', async () => {
    const hidden = record(2, 'intent').replace('"id":"m2"', '"id":m2?');
    const s = await server(() => ({ status: 200 }));
    const path = join((await bulkDir()).dir, 'j.jsonl');
    await writeFile(path, [start, record(1, 'intent') + hidden, ''].join('\n'));
    const sb = connect(provider, {}, { origin: s.origin });
    const error = await sendMany(sb, messages, { journal: createJsonlJournal(path) }).catch((e: unknown) => e);
    await sb.close();
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({ code: 'JOURNAL_CORRUPT', where: { line: 2 } });
    expect(s.requests).toHaveLength(0);
  });

  it('keeps the whole records of a last line that lost its newline and was then cut off, and appends after them', async () => {
    const text = [start, record(1, 'intent') + record(2, 'intent').slice(0, 20)].join('\n');
    const { summary, counts, path } = await resume(text);
    // m1's intent is whole: held. m2's was cut off before its request could go out: sent.
    expect(summary.ambiguous.map((a) => a.id)).toEqual(['m1']);
    expect([...counts.keys()].sort()).toEqual([0, 2, 3, 4].map(number));
    expect(await readFile(path, 'utf8')).toContain(`${record(1, 'intent')}\n`);
    expect((await journalRecords(path)).filter((r) => r.id === 'm2').map((r) => r.event)).toEqual(['intent', 'sent']);
  });
});
