/**
 * Two gateway processes (`switchboard serve --config`, real processes) on one real PostgreSQL,
 * sending through a loopback Twilio: every inbound webhook is delivered to both at once (a
 * provider retrying against the other machine) and is stored once and pushed once; every send
 * made through either is made once, counted at the loopback provider. Uses dist/ (run
 * `npm run build` first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { TWILIO, twilioAnswer, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const ALICE = { login: 'alice', password: 'two-process-password', numbers: ['+15550100001'] };
const PUBLIC = 'https://sms.example.test';
const PEER = '+15551231234';
const ROUNDS = 20;

let postgres: TestPostgres | undefined;
let twilio: RecordingServer;
let push: RecordingServer;
const children: ChildProcess[] = [];

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

const app = (url: string, path: string, body: Record<string, string>) =>
  fetch(`${url}/acrobits/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ALICE.login, password: ALICE.password, ...body }),
  });

beforeAll(async () => {
  if (!hasPostgres) return;
  postgres = await startPostgres();
  twilio = await startRecordingServer(twilioAnswer());
  push = await startRecordingServer(() => ({ status: 200, body: '{"status":200}' }));
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await twilio?.close();
  await push?.close();
  await postgres?.stop();
});

describe.skipIf(!hasPostgres)('two gateway processes on one PostgreSQL', () => {
  it('store and push each inbound webhook once and make each send once, whichever process gets it', async () => {
    const { file } = await writeTwilioGateway(
      [ALICE],
      PUBLIC,
      { database: { postgres: await createDatabase(postgres, 'pair') }, push: { url: `${push.origin}/pnm2/send` } },
      twilio.origin,
    );
    const first = await serve(file);
    const second = await serve(file);
    const both = [first, second];
    expect((await app(first, 'push-token', { selector: 'SEL', pushToken: 'tok', pushappid: 'app' })).status).toBe(200);

    const answers = await Promise.all(
      Array.from({ length: ROUNDS }, (_, i) => app(both[i % 2] ?? first, 'send', { to: PEER, body: `out ${i}` })),
    );
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { sms_id: string }).sms_id));
    expect(answers.map((r) => r.status)).toEqual(Array<number>(ROUNDS).fill(200));
    expect(new Set(ids).size).toBe(ROUNDS);
    const bodies = twilio.requests.map((r) => new URLSearchParams(r.body).get('Body'));
    expect(bodies.toSorted()).toEqual(Array.from({ length: ROUNDS }, (_, i) => `out ${i}`).toSorted());

    const url = `${PUBLIC}/hooks/twilio/inbound`;
    for (let i = 0; i < ROUNDS; i++) {
      const params = {
        AccountSid: TWILIO.sid,
        MessageSid: `SMin${i}`,
        From: PEER,
        To: ALICE.numbers[0] ?? '',
        Body: `in ${i}`,
        NumMedia: '0',
      };
      const signed = await twilioWebhook(url, params);
      const delivered = await Promise.all(
        both.map((base) => fetch(`${base}/hooks/twilio/inbound`, { method: 'POST', ...signed })),
      );
      expect(delivered.map((r) => r.status)).toEqual([200, 200]);
    }
    await vi.waitFor(() => expect(push.requests.length).toBeGreaterThanOrEqual(ROUNDS), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pushed = push.requests.map((r) => (JSON.parse(r.body) as { Message: string }).Message);
    expect(pushed.toSorted()).toEqual(Array.from({ length: ROUNDS }, (_, i) => `in ${i}`).toSorted());

    const fetched = (await (
      await app(second, 'fetch', { last_known_sms_id: '', last_known_sent_sms_id: '' })
    ).json()) as {
      received_smss: { sms_id: string; sms_text: string }[];
      sent_smss: { sms_id: string }[];
    };
    expect(fetched.received_smss.map((m) => m.sms_text)).toEqual(Array.from({ length: ROUNDS }, (_, i) => `in ${i}`));
    expect(fetched.sent_smss).toHaveLength(ROUNDS);
    const all = [...fetched.received_smss, ...fetched.sent_smss].map((m) => Number(m.sms_id));
    expect(new Set(all).size).toBe(2 * ROUNDS);
    expect(twilio.requests).toHaveLength(ROUNDS);
  }, 60_000);
});
