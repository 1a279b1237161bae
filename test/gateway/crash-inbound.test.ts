/**
 * kill -9 of a gateway process during a burst of signed Twilio inbound webhooks, then a restart on
 * the same database, and the provider's retries: every webhook that was not answered 2xx is
 * delivered again, as Twilio retries. Every webhook the provider saw answered 2xx is stored once,
 * the retried ones once too (including those stored just before the kill but never answered, and
 * a few answered ones delivered again, as when the 2xx reached the provider too late), and
 * Fetch shows each inbound message exactly once with its text. On SQLite and on a real PostgreSQL.
 * Uses dist/ (run `npm run build` first).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWILIO, serveProcess, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const USER = { login: 'alice', password: 'crash-inbound-password', numbers: ['+15550100001'] };
const PUBLIC = 'https://sms.example.test';
const HOOK = '/hooks/twilio/inbound';
const BURST = 60;
const CONCURRENCY = 12;
const KILL_AFTER = 20;

let postgres: TestPostgres | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await postgres?.stop();
});

/** The form Twilio posts for inbound message `i` (a unique MessageSid, a text that names it). */
const inbound = (i: number) => ({
  AccountSid: TWILIO.sid,
  MessageSid: `SMin${String(i).padStart(30, '0')}`,
  SmsSid: `SMin${String(i).padStart(30, '0')}`,
  From: '+15551231234',
  To: USER.numbers[0] ?? '',
  Body: `inbound ${i} “ünïcødé” & 100%`,
  NumMedia: '0',
  ApiVersion: '2010-04-01',
});

/** Posts webhook `i` signed over the public URL; true when the gateway answered 2xx. */
async function deliver(url: string, i: number): Promise<boolean> {
  const signed = await twilioWebhook(`${PUBLIC}${HOOK}`, inbound(i));
  try {
    const response = await fetch(`${url}${HOOK}`, { method: 'POST', headers: signed.headers, body: signed.body });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false; // The gateway died before answering: the provider saw no 2xx.
  }
}

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'crash_inbound') } })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))(
  'a gateway on %s killed with SIGKILL during a burst of inbound webhooks',
  (_name, databaseOf) => {
    it('stores every webhook once after the restart and the provider retries, and Fetch shows each once', async () => {
      // The provider origin is never called: nothing is sent in this test.
      const { file } = await writeTwilioGateway(
        [USER],
        PUBLIC,
        { push: { enabled: false }, ...(await databaseOf()) },
        'http://127.0.0.1:9',
      );
      const first = await serveProcess(file);
      children.push(first.child);
      const answered = new Set<number>();
      let next = 0;
      const worker = async () => {
        while (next < BURST) {
          const i = next++;
          if (await deliver(first.url, i)) answered.add(i);
          if (answered.size === KILL_AFTER) first.child.kill('SIGKILL');
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect(answered.size).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(answered.size).toBeLessThan(BURST);

      const second = await serveProcess(file);
      children.push(second.child);
      const unanswered = Array.from({ length: BURST }, (_, i) => i).filter((i) => !answered.has(i));
      // Some answered ones come again too, as when a 2xx reached the provider too late.
      const late = [...answered].slice(0, 5);
      const retried = await Promise.all([...unanswered, ...late].map((i) => deliver(second.url, i)));
      expect(retried.every(Boolean)).toBe(true);

      const response = await fetch(`${second.url}/acrobits/fetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USER.login, password: USER.password, last_known_sms_id: '' }),
      });
      expect(response.status).toBe(200);
      const received = ((await response.json()) as { received_smss: { sms_id: string; sms_text: string }[] })
        .received_smss;
      const texts = received.map((m) => m.sms_text);
      // Each of the 60 exactly once, with its text: none lost, none doubled by the retries.
      expect([...texts].sort()).toEqual(Array.from({ length: BURST }, (_, i) => inbound(i).Body).sort());
      const ids = received.map((m) => Number(m.sms_id));
      expect(new Set(ids).size).toBe(BURST);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      second.child.kill('SIGTERM');
    }, 60_000);
  },
);
