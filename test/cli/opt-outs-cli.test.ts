/**
 * `switchboard send --opt-outs <file>`, with `--to` and with `--to-file` (issue 19, item 4): an
 * opted-out recipient is refused with RECIPIENT_OPTED_OUT and makes no request, a bulk send's journal
 * records the refusal as final, and an opt-out the provider reports (Twilio's 21610, declared
 * `optedOut` in providers/twilio.json; https://www.twilio.com/docs/api/errors/21610) is appended to
 * the file, so the next run refuses that recipient without a request. Requests are counted at a
 * loopback Twilio.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/fixtures/recording-server.js';
import { journalRecords } from '../helpers/bulk.js';
import { run } from '../helpers/cli.js';
import { useServers } from '../helpers/setup.js';

const FROM = '+15017122661';
const OPTED_OUT = '+15558675310';
const server = useServers();

/** Twilio's answer for a recipient who replied STOP (error 21610), else a queued message. */
const twilio = (unsubscribed: readonly string[] = []) =>
  server((request) => {
    const to = new URLSearchParams(request.body).get('To') ?? '';
    const refused = unsubscribed.includes(to);
    return {
      status: refused ? 400 : 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        refused
          ? { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 }
          : { sid: `SM${to.slice(1)}`, status: 'queued' },
      ),
    };
  });

const recipients = (requests: readonly RecordedRequest[]) => requests.map((r) => new URLSearchParams(r.body).get('To'));

/** A temp dir with a Twilio account and an opt-out file as `gateway optouts export` writes it. */
async function files(optOuts = `own_number,peer,source,at\n${FROM},${OPTED_OUT},admin,2026-01-01T00:00:00.000Z\n`) {
  const dir = await mkdtemp(join(tmpdir(), 'sb-optouts-cli-'));
  const account = join(dir, 'account.json');
  await writeFile(account, JSON.stringify({ provider: 'twilio', username: 'AC1', password: 'token', from: FROM }));
  const file = join(dir, 'optouts.csv');
  await writeFile(file, optOuts);
  return { dir, account, file };
}

describe('send --opt-outs', () => {
  it('refuses an opted-out recipient with RECIPIENT_OPTED_OUT and no request, and sends the others', async () => {
    const s = await twilio();
    const { account, file } = await files();
    const sent = await run(
      'send',
      '--account',
      account,
      '--origin',
      s.origin,
      '--opt-outs',
      file,
      '--to',
      '+1 555 867 5310',
      '--to',
      '+15558675311',
      '--body',
      'Hi',
    );
    expect(sent.code).toBe(1);
    expect(sent.out.split('\n')[0]).toBe(
      `✗ +1 555 867 5310: +1 555 867 5310 has opted out of messages from ${FROM} (replied STOP); nothing was sent (no response, RECIPIENT_OPTED_OUT, not retryable)`,
    );
    expect(sent.out.split('\n')[1]).toMatch(/^✓ \+15558675311: sent/);
    expect(recipients(s.requests)).toEqual(['+15558675311']);
  });

  it('appends an opt-out the provider reports, and the next run refuses it without a request', async () => {
    const s = await twilio(['+15558675312']);
    const { account, file } = await files();
    const args = ['send', '--account', account, '--origin', s.origin, '--opt-outs', file, '--body', 'Hi', '--json'];
    const first = await run(...args, '--to', '+15558675312');
    expect(JSON.parse(first.out)).toMatchObject([{ ok: false, code: 'RECIPIENT_OPTED_OUT', providerCode: '21610' }]);
    expect((await readFile(file, 'utf8')).split('\n')[2]).toMatch(
      new RegExp(`^\\${FROM},\\+15558675312,provider code 21610,\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`),
    );
    const second = await run(...args, '--to', '+15558675312');
    expect(JSON.parse(second.out)).toMatchObject([{ ok: false, code: 'RECIPIENT_OPTED_OUT', status: 0 }]);
    expect(s.requests).toHaveLength(1);
  });

  it('stops with a usage error, sending nothing, when the file is missing or cannot be read', async () => {
    const s = await twilio();
    const { dir, account } = await files();
    const missing = join(dir, 'optout.csv');
    const args = ['send', '--account', account, '--origin', s.origin, '--to', OPTED_OUT, '--body', 'Hi'];
    const gone = await run(...args, '--opt-outs', missing);
    expect(gone).toMatchObject({
      code: 2,
      err: `Error: the opt-out file ${missing} does not exist: check the path, or start an empty one (touch ${missing}); switchboard gateway optouts export writes one`,
    });
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, `own_number,peer\n${FROM}\n`);
    expect((await run(...args, '--opt-outs', bad)).err).toContain(`${bad}:2: the row has no peer (their number)`);
    expect(s.requests).toHaveLength(0);
  });
});

describe('send --routes --opt-outs', () => {
  it("refuses an opted-out recipient on the route's account and never falls back to another sender", async () => {
    const s = await twilio();
    const { dir, account, file } = await files();
    await writeFile(
      join(dir, 'backup.json'),
      JSON.stringify({ provider: 'twilio', username: 'AC2', password: 'token', from: '+15017122662' }),
    );
    const routes = join(dir, 'routes.json');
    await writeFile(routes, JSON.stringify({ routes: [{ prefix: '', accounts: [account, 'backup.json'] }] }));
    const sent = await run(
      'send',
      '--routes',
      routes,
      '--origin',
      s.origin,
      '--opt-outs',
      file,
      '--to',
      OPTED_OUT,
      '--body',
      'Hi',
      '--json',
    );
    expect(JSON.parse(sent.out)).toMatchObject([
      { ok: false, code: 'RECIPIENT_OPTED_OUT', via: account, fallbacks: [] },
    ]);
    expect(s.requests).toHaveLength(0);
  });
});

describe('send --to-file --opt-outs', () => {
  it('sends to the two others of three, and the journal records the refusal as final', async () => {
    const s = await twilio();
    const { dir, account, file } = await files();
    const csv = join(dir, 'r.csv');
    await writeFile(csv, `to,name\n+15558675311,Ann\n${OPTED_OUT},Bob\n+15558675313,Cy\n`);
    const args = ['send', '--account', account, '--origin', s.origin, '--opt-outs', file, '--to-file', csv];
    const sent = await run(...args, '--body', 'Hi %csv[name]%', '--json');
    expect(sent.code).toBe(1);
    const summary = JSON.parse(sent.out) as { sent: number; failed: unknown[] };
    expect(summary.sent).toBe(2);
    expect(summary.failed).toMatchObject([{ id: '3', to: OPTED_OUT, code: 'RECIPIENT_OPTED_OUT', retryable: false }]);
    expect(recipients(s.requests).sort()).toEqual(['+15558675311', '+15558675313']);
    const records = await journalRecords(`${csv}.journal.jsonl`);
    expect(records.filter((r) => r.id === '3')).toMatchObject([
      { event: 'failed', to: OPTED_OUT, code: 'RECIPIENT_OPTED_OUT', retryable: false },
    ]);

    // Final: resuming neither sends it nor lists it as something to retry.
    const resumed = await run(...args, '--body', 'Hi %csv[name]%', '--resume');
    expect(resumed.out).toContain(
      `line 3  ${OPTED_OUT}: ${OPTED_OUT} has opted out of messages from ${FROM} (replied STOP); nothing was sent (RECIPIENT_OPTED_OUT, recorded by an earlier run)`,
    );
    expect(s.requests).toHaveLength(2);
  });
});
