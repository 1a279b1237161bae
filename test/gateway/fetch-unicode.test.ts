/**
 * Any text comes back out of Fetch exactly as it went in: through a real gateway (HTTP, Fastify's
 * JSON) on a real SQLite file and a real PostgreSQL. What no database can hold is shown: a lone
 * surrogate (which Send's JSON accepts) is stored as U+FFFD, as UTF-8 requires.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const USER = { login: 'alice', password: 'unicode-password', numbers: ['+15550100001'] };

let postgres: TestPostgres | undefined;
let provider: RecordingServer;
beforeAll(async () => {
  provider = await startRecordingServer(() => ({ status: 200, body: '' }));
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await provider.close();
  await postgres?.stop();
});

/** Any code point, lone surrogates included, with JSON's and SQL's special characters made likely. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '\\', "'", '\n', '\u2028', '\u{1F600}', 'é', '%', '?', '$1'),
    fc.integer({ min: 1, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 40,
});

const STORES = [
  ['SQLite', async () => ({}), false],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'unicode') } }), !hasPostgres],
] as const;

describe.each(STORES)('Fetch on %s', (_name, database, skip) => {
  let gateway: Gateway;
  beforeAll(async () => {
    if (skip) return;
    const { file } = await writeGatewayFiles(provider.origin, [USER], {
      ...(await database()),
      push: { enabled: false },
    });
    gateway = await startGateway(await loadGateway(file), { port: 0 });
  });
  afterAll(async () => {
    if (!skip) await gateway.close();
  });

  const call = async (path: string, body: Record<string, string>) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER.login, password: USER.password, ...body }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('shows any received text exactly as stored, lone surrogates as U+FFFD', async () => {
    if (skip) return;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const { message } = await gateway.store.insertInbound({
          login: USER.login,
          uid: `u${++n}`,
          ownNumber: USER.numbers[0] ?? '',
          peer: '+15551231234',
          text,
          contentType: 'text/plain',
          providerAccount: 'provider-account.json',
          providerMessageId: `m${n}`,
          receivedAt: undefined,
          dedupeKey: `k${n}`,
        });
        if (message === undefined) throw new Error('a fresh dedupe key was taken for a repeat');
        const page = await call('/acrobits/fetch', { last_known_sms_id: String(message.seq - 1) });
        const [item] = page.body.received_smss as { sms_id: string; sms_text: string }[];
        expect(item).toEqual(
          expect.objectContaining({ sms_id: String(message.seq), sms_text: text.replace(/\p{Surrogate}/gu, '\ufffd') }),
        );
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('shows a sent text exactly as Send got it, and refuses a lone surrogate (no provider can be sent one)', async () => {
    if (skip) return;
    const text = 'a b "quoted" \\ \u{1F600} \u2028';
    const sent = await call('/acrobits/send', { to: '+15551231234', body: text });
    expect(sent.status).toBe(200);
    const smsId = sent.body.sms_id as string;
    const refused = await call('/acrobits/send', { to: '+15551231234', body: 'a\ud800b' });
    expect(refused.status).toBe(422); // RENDER_FAILED: the library sends no lone surrogate, so the app shows the error
    const page = await call('/acrobits/fetch', { last_known_sent_sms_id: String(Number(smsId) - 1) });
    expect(page.body.sent_smss).toEqual([expect.objectContaining({ sms_id: smsId, sms_text: text })]);
  });
});
