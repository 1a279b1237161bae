/** `switchboard send --to-file` as a user meets it: the journal rules, the summary, what --resume sends again. */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { useServers } from '../helpers/setup.js';
import { arrivals, bulkDir, sentOf } from '../helpers/bulk.js';

const server = useServers();

describe('switchboard send --to-file', () => {
  it('refuses to start over an existing journal, and to resume without one', async () => {
    const s = await server(() => ({ status: 200 }));
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', 'to\n+15551230001\n');
    const args = ['send', '--account', account, '--origin', s.origin, '--to-file', csv, '--body', 'Hi'];
    expect(await run(...args, '--resume')).toMatchObject({
      code: 2,
      err: `Error: nothing to resume: there is no journal ${csv}.journal.jsonl (check --journal, or leave out --resume to start a new send)`,
    });
    expect((await run(...args)).code).toBe(0);
    expect(await run(...args)).toMatchObject({
      code: 2,
      err: `Error: the journal ${csv}.journal.jsonl already records a send: use --resume to continue it, or another --journal to start a new one`,
    });
    expect(await run(...args, '--resume')).toMatchObject({
      code: 0,
      out: `✓ 0 sent, 1 already sent earlier, 0 failed, 0 ambiguous, 0 bad rows (journal ${csv}.journal.jsonl)`,
    });
    expect(await run(...args, '--to', '+15551230002')).toMatchObject({
      code: 2,
      err: 'Error: give either --to or --to-file, not both',
    });
    expect(s.requests).toHaveLength(1);
  });

  it('summarises failures, says what to do, and sends only the retryable ones again on --resume', async () => {
    let busy = true;
    const s = await server((request) => {
      const { to } = JSON.parse(request.body) as { to: string };
      if (to.endsWith('02'))
        return {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: '{"message": "Invalid recipient"}',
        };
      if (to.endsWith('03') && busy)
        return {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '0' },
          body: '{"message": "Slow down"}',
        };
      return { status: 200 };
    });
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', 'to,name\n+15551230001,Ann\n+15551230002,Bob\n+15551230003,Cy\n,Nobody\n');
    const args = ['send', '--account', account, '--origin', s.origin, '--to-file', csv, '--body', 'Hi %csv[name]%'];
    const first = await run(...args);
    expect(first.code).toBe(1);
    expect(first.out).toBe(
      [
        `✗ 1 sent, 0 already sent earlier, 2 failed, 0 ambiguous, 1 bad rows (journal ${csv}.journal.jsonl)`,
        '',
        'Failed, not delivered (2):',
        '  line 3  +15551230002: Invalid recipient (PROVIDER_ERROR, HTTP 400)',
        '  line 4  +15551230003: Slow down (gave up after 3 attempts) (PROVIDER_ERROR, HTTP 429, retryable: --resume sends it again)',
        '',
        'Bad rows, not sent (1):',
        '  line 5: no number in column "to"',
        '',
        '1 failed with a transient error: run the same command again with --resume to send them again.',
      ].join('\n'),
    );
    busy = false;
    const resumed = await run(...args, '--resume');
    expect(resumed.out.split('\n').slice(0, 4)).toEqual([
      `✗ 1 sent, 1 already sent earlier, 1 failed, 0 ambiguous, 1 bad rows (journal ${csv}.journal.jsonl)`,
      '',
      'Failed, not delivered (1):',
      '  line 3  +15551230002: Invalid recipient (PROVIDER_ERROR, recorded by an earlier run)',
    ]);
    // The connector tried line 4 three times (its retries), then --resume once more; lines 2 and 3 once.
    expect(Object.fromEntries(arrivals(s.requests))).toEqual({
      '+15551230001': 1,
      '+15551230002': 1,
      '+15551230003': 4,
    });
  });

  it('lists the messages an earlier run left without an outcome as ambiguous, with their message ids, and does not send them', async () => {
    const s = await server(() => ({ status: 200 }));
    const { account, file } = await bulkDir();
    const csv = await file('r.csv', 'to\n+15551230001\n+15551230002\n');
    const journal = `${csv}.journal.jsonl`;
    // What a run killed right after writing the intent of line 2 leaves behind.
    await writeFile(
      journal,
      '{"v":1,"event":"start","campaign":"c0ffee00","at":"2026-01-01T00:00:00.000Z"}\n{"v":1,"id":"2","to":"+15551230001","event":"intent","at":"2026-01-01T00:00:00.001Z"}\n',
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
      'Hi',
      '--resume',
    );
    expect(code).toBe(1);
    expect(out).toBe(
      [
        `✗ 1 sent, 0 already sent earlier, 0 failed, 1 ambiguous, 0 bad rows (journal ${journal})`,
        '',
        'Ambiguous, may have reached the provider (1); never sent again automatically:',
        '  line 2  +15551230001: no outcome recorded: the run stopped while it was being sent (message id c0ffee00-2)',
        '  Check with the provider (its message log, by number or message id) whether each arrived, and send the ones that did not with switchboard send --to <number>.',
      ].join('\n'),
    );
    expect(sentOf(s.requests)).toEqual([{ to: '+15551230002', text: 'Hi', ref: 'c0ffee00-3' }]);
  });
});
