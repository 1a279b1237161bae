/**
 * Issue 19 item 3: kill -9 of a `serve` process during a burst of webhook deliveries to a loopback
 * receiver that answers 500 to every other request, then a restart on the same database (and the
 * provider's retries of the inbound webhooks the dead process never answered). Counted at the
 * receiver, with every request's signature checked by the standardwebhooks package: each of the
 * inbound messages is delivered 2xx at least once, always under one webhook-id, and none is lost.
 * On SQLite and on a real PostgreSQL. Uses dist/ (run `npm run build` first).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWILIO, serveProcess, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { until } from '../helpers/redis.js';

const USER = { login: 'alice', password: 'outbox-crash-password', numbers: ['+15550100001'] };
const PUBLIC = 'https://sms.example.test';
const HOOK = '/hooks/twilio/inbound';
const BURST = 60;
const KILL_AT = 15; // deliveries seen by the receiver when the gateway is killed
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let postgres: TestPostgres | undefined;
const children: ChildProcess[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const server of servers) server.closeAllConnections();
  await postgres?.stop();
});

/** What the receiver saw: each request's webhook-id and message, and which ids it answered 2xx. */
interface Receiver {
  readonly url: string;
  readonly seen: { id: string; sid: string; ok: boolean }[];
  readonly forged: number;
  onRequest?: () => void;
}

/** A receiver that verifies each delivery with standardwebhooks and answers 500 to every other one. */
async function startReceiver(): Promise<Receiver> {
  const verifier = new Webhook(SECRET);
  let n = 0;
  const receiver: { url: string; seen: Receiver['seen']; forged: number; onRequest?: () => void } = {
    url: '',
    seen: [],
    forged: 0,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let event: { data: { providerMessageId: string } };
      try {
        event = verifier.verify(body, headers) as typeof event;
      } catch {
        receiver.forged++;
        res.writeHead(400).end();
        return;
      }
      const ok = ++n % 2 === 0;
      receiver.seen.push({ id: headers['webhook-id'] ?? '', sid: event.data.providerMessageId, ok });
      res.writeHead(ok ? 200 : 500).end();
      receiver.onRequest?.();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return receiver;
}

const sidOf = (i: number) => `SMin${String(i).padStart(30, '0')}`;

/** The form Twilio posts for inbound message `i`. */
const inbound = (i: number) => ({
  AccountSid: TWILIO.sid,
  MessageSid: sidOf(i),
  SmsSid: sidOf(i),
  From: '+15551231234',
  To: USER.numbers[0] ?? '',
  Body: `inbound ${i}`,
  NumMedia: '0',
  ApiVersion: '2010-04-01',
});

/** Posts inbound webhook `i`; true when the gateway answered 2xx (the message is stored). */
async function post(url: string, i: number): Promise<boolean> {
  const signed = await twilioWebhook(`${PUBLIC}${HOOK}`, inbound(i));
  try {
    const response = await fetch(`${url}${HOOK}`, { method: 'POST', headers: signed.headers, body: signed.body });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'outbox_crash') } })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))(
  'a gateway on %s killed with SIGKILL during a burst of webhook deliveries',
  (_name, databaseOf) => {
    it('delivers every inbound message to the application at least once, each under one webhook-id', async () => {
      const receiver = await startReceiver();
      const subscription = {
        name: 'app',
        url: receiver.url,
        events: ['message.received'],
        secret: SECRET,
        timeoutMs: 2_000,
        retry: { initialDelayMs: 20, maxDelayMs: 200 },
      };
      const extra = { push: { enabled: false }, subscriptions: [subscription], ...(await databaseOf()) };
      const { file } = await writeTwilioGateway([USER], PUBLIC, extra, 'http://127.0.0.1:9');
      const first = await serveProcess(file);
      children.push(first.child);
      let deliveredAtKill = -1;
      receiver.onRequest = () => {
        if (receiver.seen.length !== KILL_AT) return;
        first.child.kill('SIGKILL');
        deliveredAtKill = new Set(receiver.seen.filter((s) => s.ok).map((s) => s.sid)).size;
      };
      const answered = new Set<number>();
      let next = 0;
      const worker = async () => {
        while (next < BURST) {
          const i = next++;
          if (await post(first.url, i)) answered.add(i);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      await until(() => first.child.exitCode !== null || first.child.signalCode !== null, 30_000, 'the kill');
      expect(receiver.seen.length).toBeGreaterThanOrEqual(KILL_AT);
      // Killed mid-burst: most events were still to be delivered.
      expect(deliveredAtKill).toBeGreaterThanOrEqual(0);
      expect(deliveredAtKill).toBeLessThan(BURST / 2);

      const second = await serveProcess(file);
      children.push(second.child);
      // The provider retries what the dead process never answered; repeats store nothing new.
      const unanswered = Array.from({ length: BURST }, (_, i) => i).filter((i) => !answered.has(i));
      expect((await Promise.all(unanswered.map((i) => post(second.url, i)))).every(Boolean)).toBe(true);

      const delivered = () => new Set(receiver.seen.filter((s) => s.ok).map((s) => s.sid));
      await until(() => delivered().size === BURST, 60_000, 'every message delivered 2xx');
      expect([...delivered()].sort()).toEqual(Array.from({ length: BURST }, (_, i) => sidOf(i)).sort());
      // One webhook-id per message, on every attempt before and after the kill; no two messages share one.
      const idsBySid = new Map<string, Set<string>>();
      for (const s of receiver.seen) idsBySid.set(s.sid, (idsBySid.get(s.sid) ?? new Set()).add(s.id));
      expect([...idsBySid.values()].every((ids) => ids.size === 1)).toBe(true);
      expect(new Set(receiver.seen.map((s) => s.id)).size).toBe(BURST);
      expect(receiver.forged).toBe(0);
      // The receiver's 500s were retried: more requests than messages.
      expect(receiver.seen.length).toBeGreaterThan(BURST);
      second.child.kill('SIGTERM');
    }, 120_000);
  },
);
