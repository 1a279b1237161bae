/**
 * Send waits for the provider only up to `sendWaitMs`: a slow provider's message is answered as
 * pending (2xx with its sms_id) and still recorded when it settles; one whose outcome is unknown
 * (the connection dropped after the request went) is answered 2xx and never sent again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const USER = { login: 'alice', password: 'waiting-password', numbers: ['+15550100001'] };
let provider: RecordingServer;
let gateway: Gateway;

beforeAll(async () => {
  provider = await startRecordingServer((request) => (_recorded, res) => {
    const body = (JSON.parse(request.body) as { sms_body: string }).sms_body;
    if (body === 'drop')
      res.socket?.destroy(); // the request arrived; the answer never comes
    else setTimeout(() => res.writeHead(200).end(''), 600);
  });
  const { file } = await writeGatewayFiles(provider.origin, [USER], {
    limits: { sendWaitMs: 50 },
    push: { enabled: false },
  });
  gateway = await startGateway(await loadGateway(file), { port: 0 }, { connector: { retry: { minDelayMs: 10 } } });
});

afterAll(async () => {
  await gateway.close();
  await provider.close();
});

const call = (path: string, body: Record<string, string>) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USER.login, password: USER.password, ...body }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

const sentTexts = async () => {
  const answer = await call('/acrobits/fetch', { last_known_sent_sms_id: '' });
  return (answer.body.sent_smss as { sms_id: string; sms_text: string }[]).map((m) => [m.sms_id, m.sms_text]);
};

describe('Send with a slow or silent provider', () => {
  it('answers a message the provider has not answered yet as pending, shows it at once, and records it once sent', async () => {
    const answer = await call('/acrobits/send', { to: '+15551231234', body: 'slow' });
    expect(answer).toEqual({ status: 200, body: { sms_id: '1' } });
    // Pending, and already in sent_smss: the user's other devices show what was sent at once.
    expect((await gateway.store.message('alice', 1))?.sendState).toMatch(/^(queued|intent)$/);
    expect(await sentTexts()).toEqual([['1', 'slow']]);
    await vi.waitFor(async () => expect((await gateway.store.message('alice', 1))?.sendState).toBe('sent'), {
      timeout: 5000,
    });
    expect(await sentTexts()).toEqual([['1', 'slow']]);
  });

  it('answers a message whose outcome is unknown 2xx, keeps it, and never sends it again', async () => {
    const before = provider.requests.length;
    const answer = await call('/acrobits/send', { to: '+15551231234', body: 'drop' });
    expect(answer.status).toBe(200);
    await vi.waitFor(async () => expect(await sentTexts()).toContainEqual([answer.body.sms_id, 'drop']), {
      timeout: 5000,
    });
    expect((await gateway.store.message('alice', Number(answer.body.sms_id)))?.sendState).toBe('ambiguous');
    expect(provider.requests.length - before).toBe(1);
  });
});
