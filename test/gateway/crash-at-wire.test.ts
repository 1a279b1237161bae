/**
 * The intent is recorded at the wire (DESIGN §4.1), proven by kill -9 and counting at the provider.
 * A loopback provider records every request and holds its answers. The app sends 50 messages at
 * once; the connector's pool of 8 connections fills, one message is refused with 503 and a long
 * Retry-After (so it waits in a retry pause), the rest wait for a connection, and every send is
 * answered (the send wait is short). Then `serve` is killed with SIGKILL, started again on the
 * same database, and the provider released. Each message whose request was not written before the
 * kill is sent exactly once after the restart; each one that was written is ambiguous, never sent
 * again, and Fetch lists it in `sent_smss` (docs/gateway.md). On SQLite and on a real PostgreSQL.
 * Uses dist/ (run `npm run build` first).
 */
import type { ChildProcess } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { serveProcess, writeGatewayFiles, type ServedGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const USER = { login: 'alice', password: 'crash-at-wire-password', numbers: ['+15550100001'] };
const SENDS = 50;
const POOL = 8; // the connector's default concurrency: its connections to the provider

let provider: RecordingServer;
let held: { text: string; res: ServerResponse }[] = [];
let holding = true;
/** The message refused once with 503 and a long Retry-After: it waits in a retry pause at the kill. */
let refuse = '';
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

/** Waits until `check` holds, looking again every 100 ms for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const textOf = (body: string) => (JSON.parse(body) as { sms_body: string }).sms_body;

/** Each message's send state, read from the database once the gateway has stopped. */
async function statesOf(dir: string, postgresUrl: string | undefined): Promise<Map<string, string>> {
  const sql = 'SELECT body, send_state FROM messages';
  let rows: { body: string; send_state: string }[];
  if (postgresUrl === undefined) {
    const db = new Database(join(dir, 'gateway.db'), { readonly: true });
    rows = db.prepare(sql).all() as typeof rows;
    db.close();
  } else {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    rows = (await client.query<{ body: string; send_state: string }>(sql)).rows;
    await client.end();
  }
  return new Map(rows.map((r) => [r.body, r.send_state]));
}

beforeAll(async () => {
  provider = await startRecordingServer((request) => (_request, res) => {
    const text = textOf(request.body);
    if (!holding) res.writeHead(200).end('');
    else if (text === refuse) {
      refuse = '';
      res.writeHead(503, { 'retry-after': '60' }).end('');
    } else held.push({ text, res });
  });
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await provider.close();
  await postgres?.stop();
});

const STORES: readonly (readonly [string, () => Promise<{ database?: { postgres: string } }>])[] = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'wire') } })],
];

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))(
  'a gateway on %s killed while its connections to the provider are busy',
  (name, databaseOf) => {
    it('sends each message not yet written exactly once after a restart, and never one that was', async () => {
      holding = true;
      held = [];
      const tag = `${name}-`;
      refuse = `${tag}0`;
      const database = await databaseOf();
      const { dir, file } = await writeGatewayFiles(provider.origin, [USER], {
        push: { enabled: false },
        limits: { sendWaitMs: 200 },
        ...database,
      });
      const start = provider.requests.length;
      const ours = (from: number) => provider.requests.slice(from).map((r) => textOf(r.body));
      const first = await serve(file);
      const answers = await Promise.all(
        Array.from({ length: SENDS }, (_, i) =>
          post(first.url, '/acrobits/send', { to: '+15551231234', body: `${tag}${i}` }).then(async (r) => ({
            status: r.status,
            smsId: ((await r.json()) as { sms_id: string }).sms_id,
          })),
        ),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true); // all acknowledged: each is kept
      // The pool is full of held requests; one message waits out a Retry-After; 41 wait for a connection.
      await until(() => held.length === POOL && refuse === '', 20_000);
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      const written = new Set(held.map((h) => h.text));
      expect(written.size).toBe(POOL);
      expect(ours(start)).toHaveLength(POOL + 1); // and the refused one, which certainly did not arrive

      const afterKill = provider.requests.length;
      holding = false;
      for (const { res } of held) res.destroy(); // their process is gone
      const second = await serve(file);
      const notWritten = answers.map((_, i) => `${tag}${i}`).filter((text) => !written.has(text));
      // PostgreSQL takes over a stopped process's messages once its heartbeat is stale (30 s).
      await until(() => ours(afterKill).length >= notWritten.length, 90_000);
      const resent = ours(afterKill);
      expect([...resent].sort()).toEqual([...notWritten].sort()); // each exactly once, none written before

      // Fetch lists every message, the written ones as ambiguous sends (they may have gone out).
      let sent: { sms_id: string; sms_text: string }[] = [];
      await until(async () => {
        const answer = await post(second.url, '/acrobits/fetch', { last_known_sms_id: '', last_known_sent_sms_id: '' });
        sent = ((await answer.json()) as { sent_smss: typeof sent }).sent_smss.filter((m) =>
          m.sms_text.startsWith(tag),
        );
        return sent.length === SENDS;
      }, 20_000);
      for (const [i, answer] of answers.entries())
        expect(sent).toContainEqual(expect.objectContaining({ sms_id: answer.smsId, sms_text: `${tag}${i}` }));
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
      expect(ours(afterKill)).toHaveLength(notWritten.length); // nothing more went out meanwhile
      const states = await statesOf(dir, database.database?.postgres);
      for (const text of written) expect([text, states.get(text)]).toEqual([text, 'ambiguous']);
      for (const text of notWritten) expect([text, states.get(text)]).toEqual([text, 'sent']);
    }, 180_000);
  },
);
