/**
 * `switchboard worker --opt-outs <file>` on a real redis-server (issue 19, item 4): a queued message
 * to a recipient the file lists is recorded failed with RECIPIENT_OPTED_OUT and makes no request;
 * one the provider refuses as opted out (Twilio's 21610, https://www.twilio.com/docs/api/errors/21610)
 * is appended to the file, and a worker started later refuses it without a request.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../packages/queue/src/ledger.js';
import { run } from '../helpers/cli.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';
import { useServers } from '../helpers/setup.js';

const FROM = '+15017122661';
const LISTED = '+15558675310';
const UNSUBSCRIBED = '+15558675311';
const server = useServers();
const redis = useRedis();

/** A Twilio account file sending from FROM, and an opt-out file (as `gateway optouts export` writes) listing LISTED. */
async function accountAndOptOuts(): Promise<{ account: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-queue-optouts-'));
  const account = join(dir, 'account.json');
  await writeFile(account, JSON.stringify({ provider: 'twilio', username: 'AC1', password: 'token', from: FROM }));
  const file = join(dir, 'optouts.csv');
  await writeFile(file, `own_number,peer,source,at\n${FROM},${LISTED},admin,2026-01-01T00:00:00.000Z\n`);
  return { account, file };
}

async function recorded(client: Parameters<typeof createLedger>[0]): Promise<number> {
  const c = await createLedger(client, 'switchboard').counts();
  return c.sent + c.failed + c.ambiguous;
}

describe.skipIf(!hasRedis)(hasRedis ? 'worker --opt-outs' : `worker --opt-outs: ${NO_REDIS}`, () => {
  it('refuses listed recipients without a request, and learns the ones the provider reports', async () => {
    const s = await server((request) => {
      const to = new URLSearchParams(request.body).get('To') ?? '';
      return to === UNSUBSCRIBED
        ? { status: 400, body: JSON.stringify({ code: 21610, message: 'Attempt to send to unsubscribed recipient' }) }
        : { status: 201, body: JSON.stringify({ sid: `SM${to.slice(1)}`, status: 'queued' }) };
    });
    const r = await redis();
    const { account, file } = await accountAndOptOuts();
    const enqueue = async (campaign: string, to: readonly string[]) => {
      const recipients = to.flatMap((n) => ['--to', n]);
      const args = ['--account', account, '--body', 'Hi', '--campaign', campaign, '--redis', r.url];
      expect((await run('enqueue', ...args, ...recipients)).code).toBe(0);
    };

    await enqueue('first', ['+15558675312', LISTED, UNSUBSCRIBED, '+15558675313']);
    const worker = await r.worker(['--origin', s.origin, '--opt-outs', file]);
    await until(async () => (await recorded(r.client)) === 4, 15_000, 'four messages recorded');
    await worker.stop();
    const sentTo = s.requests.map((q) => new URLSearchParams(q.body).get('To')).sort();
    expect(sentTo).toEqual(['+15558675311', '+15558675312', '+15558675313']); // not the listed one
    expect(worker.output()).toContain(
      `failed first-2 ${LISTED}: ${LISTED} has opted out of messages from ${FROM} (replied STOP); nothing was sent (RECIPIENT_OPTED_OUT)`,
    );
    const failed = await createLedger(r.client, 'switchboard').list('failed');
    expect(failed.map((f) => [f.id, f.code, f.status, f.retryable])).toEqual([
      ['first-2', 'RECIPIENT_OPTED_OUT', 0, false],
      ['first-3', 'RECIPIENT_OPTED_OUT', 400, false],
    ]);
    expect((await readFile(file, 'utf8')).split('\n')[2]).toMatch(
      new RegExp(`^\\${FROM},\\${UNSUBSCRIBED},provider code 21610,`),
    );

    // A worker started afterwards reads what the first appended.
    await enqueue('again', [UNSUBSCRIBED]);
    const next = await r.worker(['--origin', s.origin, '--opt-outs', file]);
    await until(async () => (await recorded(r.client)) === 5, 15_000, 'the fifth message recorded');
    await next.stop();
    expect(s.requests).toHaveLength(3);
    const status = JSON.parse((await run('status', '--redis', r.url, '--json')).out) as {
      failedMessages: { id: string; code: string }[];
    };
    expect(status.failedMessages.map((f) => [f.id, f.code])).toContainEqual(['again-1', 'RECIPIENT_OPTED_OUT']);
  }, 60_000);

  it('enqueue --opt-outs records a listed recipient failed at once and queues only the others', async () => {
    const s = await server(() => ({ status: 201, body: JSON.stringify({ sid: 'SM1', status: 'queued' }) }));
    const r = await redis();
    const { account, file } = await accountAndOptOuts();
    const args = ['--account', account, '--body', 'Hi', '--campaign', 'c', '--redis', r.url, '--opt-outs', file];
    const recipients = ['--to', '+15558675312', '--to', '+1 555 867 5310', '--to', '+15558675313'];
    const enqueued = await run('enqueue', ...args, ...recipients);
    expect(enqueued.code).toBe(1);
    expect(enqueued.out.split('\n').slice(0, 2)).toEqual([
      '✗ 2 enqueued, 0 already in the queue, 0 already taken by a worker, 1 refused, 0 bad rows (queue switchboard, campaign c)',
      `  c-2  +1 555 867 5310: +1 555 867 5310 has opted out of messages from ${FROM} (replied STOP); nothing was sent (RECIPIENT_OPTED_OUT)`,
    ]);
    // Enqueuing again adds nothing: the refusal is final, like a worker's.
    const again = JSON.parse((await run('enqueue', ...args, ...recipients, '--json')).out) as Record<string, unknown>;
    expect(again).toMatchObject({ enqueued: 0, alreadyQueued: 2, alreadyTaken: 1, refused: [] });

    const worker = await r.worker(['--origin', s.origin]); // no --opt-outs: the refusal at enqueue holds
    await until(async () => (await recorded(r.client)) === 3, 15_000, 'three messages recorded');
    await worker.stop();
    expect(s.requests.map((q) => new URLSearchParams(q.body).get('To')).sort()).toEqual([
      '+15558675312',
      '+15558675313',
    ]);
    const failed = await createLedger(r.client, 'switchboard').list('failed');
    expect(failed.map((f) => [f.id, f.to, f.code, f.retryable])).toEqual([
      ['c-2', '+1 555 867 5310', 'RECIPIENT_OPTED_OUT', false],
    ]);
  }, 60_000);
});
