/**
 * Two gateway processes (`switchboard serve --config`, real processes) on one real PostgreSQL and
 * one real Redis, with the `queue` setting: Send records the message, puts it on the BullMQ queue,
 * and whichever process's worker takes it sends it, with the provider's rate limit held in Redis
 * across both. Counted and timed at a loopback provider. Uses dist/ (run `npm run build` first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { hasRedis, useRedis } from '../helpers/redis.js';

const ALICE = { login: 'alice', password: 'queue-password', numbers: ['+15550100001'] };
const PEER = '+15551231234';
const SENDS = 30;
/** The provider's declared limit: PER_SECOND requests in any second. */
const PER_SECOND = 10;

let postgres: TestPostgres | undefined;
let provider: RecordingServer;
const arrivals: { at: number; body: string }[] = [];
const children: ChildProcess[] = [];
const redis = useRedis();

/** Starts `switchboard serve` on a free port; resolves with its URL once it listens. */
function serve(file: string): Promise<string> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--config', file, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(err)?.[1];
      if (url !== undefined) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited ${String(code)}: ${err}`)));
  });
}

/** The most arrivals in any window of `ms` that begins at an arrival. */
function busiest(times: readonly number[], ms: number): number {
  const sorted = times.toSorted((a, b) => a - b);
  return Math.max(...sorted.map((t, i) => sorted.slice(i).filter((u) => u < t + ms).length));
}

/** A copy of the demo provider, served by the loopback server, that declares a rate limit. */
async function writeRatedProvider(dir: string): Promise<void> {
  const rated = {
    id: 'rated-demo',
    name: 'Demo with a rate limit',
    description: 'The demo provider, declaring a rate limit, for the queue test.',
    docs: 'https://doc.acrobits.net/api/client/send_message.html',
    parameters: {
      username: { description: 'Any user name.', required: true },
      password: { description: 'Any password.', required: true, secret: true },
    },
    numbers: { format: 'E164', defaultCountry: 'US' },
    rateLimits: [
      { description: `${PER_SECOND} per second`, requests: PER_SECOND, perSeconds: 1, key: '%account[username]%' },
    ],
    services: {
      sendMessage: {
        url: `${provider.origin}/send_message/`,
        contentType: 'application/json',
        postData: '{"sms_to":"%sms_to%","sms_body":"%sms_body%","id":"%message_id%"}',
      },
    },
  };
  await writeFile(join(dir, 'rated-demo.json'), JSON.stringify(rated));
  const account = { provider: './rated-demo.json', username: 'johndow', password: '12345678', from: '' };
  await writeFile(join(dir, 'provider-account.json'), JSON.stringify(account));
}

const app = (url: string, body: Record<string, string>) =>
  fetch(`${url}/acrobits/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ALICE.login, password: ALICE.password, ...body }),
  });

beforeAll(async () => {
  if (!hasPostgres || !hasRedis) return;
  postgres = await startPostgres();
  provider = await startRecordingServer((request) => {
    arrivals.push({ at: performance.now(), body: request.body });
    return { status: 200, body: '' };
  });
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await provider?.close();
  await postgres?.stop();
});

describe.skipIf(!hasPostgres || !hasRedis)('two gateway processes sending through one queue', () => {
  it('send each of 30 messages once, whichever process takes it, within the rate limit across both', async () => {
    const { url: redisUrl } = await redis();
    const { dir, file } = await writeGatewayFiles(provider.origin, [ALICE], {
      database: { postgres: await createDatabase(postgres, 'queue') },
      queue: { redis: redisUrl, concurrency: 4 },
      push: { enabled: false },
    });
    await writeRatedProvider(dir);
    const both = [await serve(file), await serve(file)];

    const answers = await Promise.all(
      Array.from({ length: SENDS }, (_, i) => app(both[i % 2] ?? '', { to: PEER, body: `queued ${i}` })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array<number>(SENDS).fill(200));
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { sms_id: string }).sms_id));
    expect(new Set(ids).size).toBe(SENDS);

    // Each arrived once: the Send answers came after their outcomes were recorded.
    const texts = arrivals.map((a) => (JSON.parse(a.body) as { sms_body: string }).sms_body);
    expect(texts.toSorted()).toEqual(Array.from({ length: SENDS }, (_, i) => `queued ${i}`).toSorted());
    // Never more than the limit in a second, across both processes. The limiter counts the moments
    // requests leave; arrivals here can bunch when a loaded machine delays one, so the window has
    // 250 ms of slack. Limits held per process instead (twice the rate) would still put about 15
    // in such a window.
    expect(
      busiest(
        arrivals.map((a) => a.at),
        1000 - 250,
      ),
    ).toBeLessThanOrEqual(PER_SECOND);
    expect(arrivals.at(-1)!.at - arrivals[0]!.at).toBeGreaterThan(((SENDS - PER_SECOND) / PER_SECOND) * 1000 - 100);

    const fetched = (await (
      await fetch(`${both[1]}/acrobits/fetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: ALICE.login, password: ALICE.password, last_known_sent_sms_id: '' }),
      })
    ).json()) as { sent_smss: { sms_id: string }[] };
    expect(fetched.sent_smss.map((m) => m.sms_id).toSorted()).toEqual(ids.toSorted());
    // Every send is done, so the shared queue's depth, as each process reports it, is zero.
    for (const url of both)
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^switchboard_gateway_queue_waiting 0$/m);
  }, 60_000);
});
