/**
 * kill -9 of a gateway process during a burst of sends, then a restart on the same SQLite file:
 * every message the gateway acknowledged is there with its sms_id and text, and none reached the
 * provider twice (counted at the loopback provider). On SQLite and on a real PostgreSQL. Uses
 * dist/ (run `npm run build` first).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { serveProcess, writeGatewayFiles, type ServedGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const USER = { login: 'alice', password: 'crash-test-password', numbers: ['+15550100001'] };
const BURST = 80;

let provider: RecordingServer;
let postgres: TestPostgres | undefined;
const children: ChildProcess[] = [];

/** `switchboard serve` from dist/, killed after the tests. */
async function serve(file: string): Promise<ServedGateway> {
  const served = await serveProcess(file);
  children.push(served.child);
  return served;
}

const post = (url: string, path: string, body: Record<string, string>) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USER.login, password: USER.password, ...body }),
  });

beforeAll(async () => {
  // The provider takes a little while per message, so some are in flight when the gateway dies.
  provider = await startRecordingServer(() => (_request, res) => {
    setTimeout(() => res.writeHead(200).end(''), 15);
  });
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await provider.close();
  await postgres?.stop();
});

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'crash') } })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))(
  'a gateway on %s killed with SIGKILL during a burst of sends',
  (_name, databaseOf) => {
    it('keeps every acknowledged message and sends none twice after a restart', async () => {
      const { file } = await writeGatewayFiles(provider.origin, [USER], {
        push: { enabled: false },
        ...(await databaseOf()),
      });
      const requestsBefore = provider.requests.length;
      const first = await serve(file);
      const acknowledged = new Map<string, string>(); // text -> sms_id
      let next = 0;
      const worker = async () => {
        while (next < BURST) {
          const text = `message ${next++}`;
          try {
            const response = await post(first.url, '/acrobits/send', { to: '+15551231234', body: text });
            if (response.ok) acknowledged.set(text, ((await response.json()) as { sms_id: string }).sms_id);
            if (acknowledged.size === 25) first.child.kill('SIGKILL');
          } catch {
            // The gateway died before answering: not acknowledged.
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      expect(acknowledged.size).toBeGreaterThanOrEqual(25);
      expect(acknowledged.size).toBeLessThan(BURST);

      const second = await serve(file);
      // Messages queued but never sent are sent on restart. Fetch shows a send while it is still
      // pending, so wait until the provider has each acknowledged text too.
      const reached = (text: string) =>
        provider.requests
          .slice(requestsBefore)
          .some((r) => (JSON.parse(r.body) as { sms_body: string }).sms_body === text);
      let sent: { sms_id: string; sms_text: string }[] = [];
      for (let i = 0; i < 100; i++) {
        const answer = await post(second.url, '/acrobits/fetch', { last_known_sms_id: '', last_known_sent_sms_id: '' });
        sent = ((await answer.json()) as { sent_smss: typeof sent }).sent_smss;
        if ([...acknowledged.keys()].every((text) => reached(text) && sent.some((m) => m.sms_text === text))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const [text, smsId] of acknowledged)
        expect(sent).toContainEqual(expect.objectContaining({ sms_id: smsId, sms_text: text }));
      const counts = new Map<string, number>();
      for (const request of provider.requests.slice(requestsBefore)) {
        const text = (JSON.parse(request.body) as { sms_body: string }).sms_body;
        counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
      for (const text of acknowledged.keys()) expect(counts.get(text)).toBe(1);
      // Oldest first, and the ids Fetch shows are unique.
      const ids = sent.map((m) => Number(m.sms_id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      second.child.kill('SIGTERM');
    }, 60_000);
  },
);
