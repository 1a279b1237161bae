/** Recipients from CSV: bad rows reported with their lines while the rest is sent, values reaching the provider exactly. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readRecipients } from '../../src/bulk/recipients.js';
import { run } from '../helpers/cli.js';
import { useServers } from '../helpers/setup.js';
import { bulkDir, journalRecords, sentOf } from '../helpers/bulk.js';

const server = useServers();
const ok = () => ({ status: 200 });

async function collect(source: Parameters<typeof readRecipients>[0], body: string) {
  const items = [];
  for await (const item of readRecipients(source, { body })) items.push(item);
  return items;
}

describe('sending to a CSV', () => {
  it('reports bad rows with their line numbers and sends every other row', async () => {
    const s = await server(ok);
    const { account, file } = await bulkDir();
    const csv = await file(
      'people.csv',
      [
        'name,phone,code', // the number column is found by name
        'Ann,+15551230001,A1',
        'Nobody,,B2', // 3: no number
        '',
        'Bob,+15551230002,C3',
        'Cy,+15551230003', // 6: no value for %csv[code]%
        'Di,+15551230004,D4,extra', // 7: more values than columns
        ',,', // blank: skipped
        'Eve,+15551230005,"E,5"',
        'Fay,+15551230006,F6,', // an empty extra value is fine
        'Gus,+15551230007,"never closed', // 11: the rest of the input cannot be read
        'Hal,+15551230008,H8',
      ].join('\n'),
    );
    const { code, out } = await run(
      'send',
      '--account',
      account,
      '--origin',
      s.origin,
      '--to-file',
      csv,
      '--body',
      'Hi %csv[name]%, code %csv[code]%',
    );
    expect(code).toBe(1);
    expect(
      sentOf(s.requests)
        .map((m) => m.text)
        .sort(),
    ).toEqual(['Hi Ann, code A1', 'Hi Bob, code C3', 'Hi Eve, code E,5', 'Hi Fay, code F6']);
    expect(out).toContain('✗ 4 sent, 0 already sent earlier, 0 failed, 0 ambiguous, 4 bad rows');
    expect(out).toContain(
      [
        'Bad rows, not sent (4):',
        '  line 3: no number in column "phone"',
        '  line 6: no value for %csv[code]% (the row has 2 of 3 values)',
        '  line 7: 4 values, but the header has 3 columns (a value containing a comma must be in double quotes)',
        '  line 11: a quoted value starting on this row is never closed, so the rest of the input could not be read',
      ].join('\n'),
    );
  });

  it('puts %csv[column]% values into the text exactly: &, quotes, commas, line breaks, percent signs, emoji', async () => {
    const s = await server(ok);
    const { account, file } = await bulkDir();
    const values = ['Tom & "Jerry"', 'line one\nline two', 'a,b;c', '50% off %csv[name]% \\n', 'Zoë 😀', '  spaced  '];
    const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const csv = await file(
      'values.csv',
      ['to,name', ...values.map((v, i) => `+1555123000${i},${quote(v)}`)].join('\r\n'),
    );
    const { code } = await run(
      'send',
      '--account',
      account,
      '--origin',
      s.origin,
      '--to-file',
      csv,
      '--body',
      '<%csv[name]%> 100%',
    );
    expect(code).toBe(0);
    const byNumber = new Map(sentOf(s.requests).map((m) => [m.to, m.text]));
    expect(values.map((_, i) => byNumber.get(`+1555123000${i}`))).toEqual(values.map((v) => `<${v}> 100%`));
  });

  it('numbers rows by the line they start on, CRLF and multi-line values included, and uses the line as the message id', async () => {
    const { file } = await bulkDir();
    const csv = await file(
      'crlf.csv',
      '\uFEFFto,note\r\n+15551230001,"two\r\nlines"\r\n\r\n+15551230002,"three\r\nmore\r\nlines"\r\n,missing\r\n+15551230003,last',
    );
    const items = await collect(csv, '%csv[note]%');
    expect(items).toEqual([
      { id: '2', to: '+15551230001', body: 'two\r\nlines' },
      { id: '5', to: '+15551230002', body: 'three\r\nmore\r\nlines' },
      { id: '8', line: 8, error: 'no number in column "to"' },
      { id: '9', to: '+15551230003', body: 'last' },
    ]);
    const journal = await file('crlf.journal.jsonl', '');
    const s = await server(ok);
    const { account } = await bulkDir();
    await run(
      'send',
      '--account',
      account,
      '--origin',
      s.origin,
      '--to-file',
      csv,
      '--journal',
      journal,
      '--body',
      'x',
    );
    const campaign = (await journalRecords(journal))[0]?.campaign;
    expect(
      sentOf(s.requests)
        .map((m) => m.ref)
        .sort(),
    ).toEqual([`${campaign}-2`, `${campaign}-5`, `${campaign}-9`]);
  });

  it('refuses, before sending anything, a text using a column the CSV lacks and a first line that is a number', async () => {
    const s = await server(ok);
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', 'to,name\n+15551230001,Ann\n');
    const typo = await run(
      'send',
      '--account',
      account,
      '--origin',
      s.origin,
      '--to-file',
      csv,
      '--body',
      'Hi %csv[nmae]%',
    );
    expect(typo).toMatchObject({
      code: 2,
      err: 'Error: the message uses %csv[nmae]%, but the CSV has no column "nmae" (its columns: "to", "name")',
    });
    const bare = await file('bare.csv', '+15551230001\n+15551230002\n');
    const noHeader = await run('send', '--account', account, '--origin', s.origin, '--to-file', bare, '--body', 'Hi');
    expect(noHeader.err).toBe(
      'Error: the first line of the recipients CSV must be a header (such as "to,name"), but it starts with the number +15551230001: add a header line',
    );
    const missing = await run(
      'send',
      '--account',
      account,
      '--origin',
      s.origin,
      '--to-file',
      `${csv}.nope`,
      '--body',
      'Hi',
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^Error: cannot read the recipients file .*r\.csv\.nope: ENOENT/);
    expect(s.requests).toHaveLength(0);
  });

  it('reads recipients from stdin with -, and then needs --journal', async () => {
    const s = await server(ok);
    const { account, dir } = await bulkDir();
    const io = (text: string, out: string[], err: string[]) => ({
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
      tty: false,
      env: {},
      stdin: Readable.from([Buffer.from(text)]),
    });
    const out: string[] = [];
    const err: string[] = [];
    const noJournal = await runCli(
      ['send', '--account', account, '--origin', s.origin, '--to-file', '-', '--body', 'x'],
      io('to\n+15551230001\n', out, err),
    );
    expect([noJournal, err.join('\n')]).toEqual([
      2,
      'Error: reading recipients from standard input needs a journal: give --journal <file>',
    ]);
    const code = await runCli(
      [
        'send',
        '--account',
        account,
        '--origin',
        s.origin,
        '--to-file',
        '-',
        '--journal',
        `${dir}/stdin.jsonl`,
        '--body',
        'Hi %csv[name]%',
        '--json',
      ],
      io('name,to\nAnn,+15551230001\nBob,+15551230002\n', out, err),
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ sent: 2, skipped: 0, failed: [], ambiguous: [], badRows: [] });
    expect(
      sentOf(s.requests)
        .map((m) => m.text)
        .sort(),
    ).toEqual(['Hi Ann', 'Hi Bob']);
  });
});
