/**
 * Issue 16, item 4: a one-off database error at the claim left the message `queued` after the app
 * was answered 500. It hid the user's later sends from `sent_smss`, and the next process sent it.
 * An error answer must mean the message is never sent. The error is a real one: a trigger in the
 * gateway's SQLite file refuses the claim of one message.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const USER = { login: 'alice', password: 'claim-error-password', numbers: ['+15550100001'] };
const POISON = 'the database fails at this claim';

let provider: RecordingServer;
let file: string;
let dir: string;
let gateway: Gateway | undefined;

/** The claim (the row becoming `intent`, inserted or updated) of the poisoned message fails, as a full disk or a lost lock would. */
const TRIGGERS = ['INSERT', 'UPDATE OF send_state'].map(
  (on, i) => `CREATE TRIGGER fail_claim_${i} BEFORE ${on} ON messages
    WHEN NEW.send_state = 'intent' AND NEW.body = '${POISON}'
    BEGIN SELECT RAISE(ABORT, 'injected: the database failed at the claim'); END`,
);

function database(work: (db: InstanceType<typeof Database>) => void): void {
  const db = new Database(join(dir, 'gateway.db'));
  try {
    work(db);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  provider = await startRecordingServer(() => ({ status: 200 }));
  ({ dir, file } = await writeGatewayFiles(provider.origin, [USER], { push: { enabled: false } }));
  await (await startGateway(await loadGateway(file), { port: 0 })).close(); // creates the schema
  database((db) => TRIGGERS.forEach((sql) => db.exec(sql)));
});

afterAll(async () => {
  await gateway?.close();
  await provider.close();
});

const call = (path: string, body: Record<string, string>) =>
  fetch(`${gateway?.url ?? ''}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USER.login, password: USER.password, ...body }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

const bodies = () => provider.requests.map((r) => (JSON.parse(r.body) as { sms_body: string }).sms_body);

describe('a database error at the claim of a send', () => {
  it('answers an error, hides no later send, and the message is never sent, not even by the next process', async () => {
    gateway = await startGateway(await loadGateway(file), { port: 0 });
    const failed = await call('/acrobits/send', { to: '+15551231234', body: POISON });
    expect(failed.status).toBe(500);
    const later = await call('/acrobits/send', { to: '+15551231234', body: 'a later message' });
    expect(later.status).toBe(200);
    const fetched = await call('/acrobits/fetch', { last_known_sms_id: '', last_known_sent_sms_id: '' });
    const sent = fetched.body.sent_smss as { sms_id: string; sms_text: string }[];
    expect(sent.map((m) => [m.sms_id, m.sms_text])).toEqual([[later.body.sms_id, 'a later message']]);

    // The next process, with the database healthy again, finds nothing to send.
    await gateway.close();
    database((db) => TRIGGERS.forEach((_, i) => db.exec(`DROP TRIGGER fail_claim_${i}`)));
    gateway = await startGateway(await loadGateway(file), { port: 0 });
    await gateway.close(); // waits for whatever it resumed
    gateway = undefined;
    expect(bodies()).toEqual(['a later message']);
  });
});
