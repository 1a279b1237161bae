/**
 * Opt-outs in the library (issue 19, item 4): a connector given a suppression store refuses an
 * opted-out recipient with RECIPIENT_OPTED_OUT and makes no request, and records the opt-out when
 * the provider answers with a code its file declares `optedOut` (Twilio's 21610, documented at
 * https://www.twilio.com/docs/api/errors/21610). Requests are counted at a loopback Twilio.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { createConnector, type Connector } from '../../src/connector/connector.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { createMemorySuppression } from '../../src/suppression.js';

const FROM = '+15017122661';
/** Twilio's answer to a message for a recipient who replied STOP (its error 21610). */
const UNSUBSCRIBED = {
  code: 21610,
  message: 'Attempt to send to unsubscribed recipient',
  more_info: 'https://www.twilio.com/docs/errors/21610',
  status: 400,
};

let server: RecordingServer | undefined;
let connector: Connector | undefined;
afterEach(async () => {
  await connector?.close();
  await server?.close();
});

async function twilio(suppression: ReturnType<typeof createMemorySuppression>, unsubscribed: readonly string[] = []) {
  server = await startRecordingServer((request) => {
    const to = new URLSearchParams(request.body).get('To') ?? '';
    const refused = unsubscribed.includes(to);
    return {
      status: refused ? 400 : 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(refused ? UNSUBSCRIBED : { sid: `SM${to.slice(1)}`, status: 'queued' }),
    };
  });
  const account = accountFromValue(
    { provider: 'twilio', username: 'AC1', password: 'token', from: FROM },
    'twilio.account.json',
    undefined,
  );
  connector = createConnector({
    provider: await loadProvider('twilio'),
    account,
    origin: server.origin,
    retry: false,
    suppression,
  });
  return { server, connector };
}

describe('a connector with a suppression store', () => {
  it('refuses an opted-out recipient with RECIPIENT_OPTED_OUT and sends the others', async () => {
    const suppression = createMemorySuppression([[FROM, '+15558675310']]);
    const { server, connector } = await twilio(suppression);
    // The same number written another way is the same recipient.
    const results = await connector.sendMessage({ to: ['+1 555 867 5310', '+15558675311'], body: 'Hi' });
    expect(results.map((r) => [r.ok, r.code])).toEqual([
      [false, 'RECIPIENT_OPTED_OUT'],
      [true, undefined],
    ]);
    expect(results[0]?.status).toBe(0);
    expect(results[0]?.error).toBe(
      `+1 555 867 5310 has opted out of messages from ${FROM} (replied STOP); nothing was sent`,
    );
    expect(server.requests.map((r) => new URLSearchParams(r.body).get('To'))).toEqual(['+15558675311']);
  });

  it("records the provider's opted-out code, so the next message makes no request", async () => {
    const suppression = createMemorySuppression();
    const { server, connector } = await twilio(suppression, ['+15558675310']);
    const [first] = await connector.sendMessage({ to: '+15558675310', body: 'Hi' });
    expect(first).toMatchObject({ ok: false, code: 'RECIPIENT_OPTED_OUT', providerCode: '21610', status: 400 });
    expect(first?.retryable).toBe(false);
    expect([...suppression.entries]).toEqual([`${FROM}\n+15558675310`]);
    const [second] = await connector.sendMessage({ to: '+15558675310', body: 'Hi again' });
    expect(second).toMatchObject({ ok: false, code: 'RECIPIENT_OPTED_OUT', status: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('without a store, reports the code and keeps sending', async () => {
    server = await startRecordingServer(() => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(UNSUBSCRIBED),
    }));
    connector = createConnector({
      provider: await loadProvider('twilio'),
      account: accountFromValue(
        { provider: 'twilio', username: 'AC1', password: 'token', from: FROM },
        'a.json',
        undefined,
      ),
      origin: server.origin,
      retry: false,
    });
    for (let i = 0; i < 2; i++) {
      const [result] = await connector.sendMessage({ to: '+15558675310', body: 'Hi' });
      expect(result?.code).toBe('RECIPIENT_OPTED_OUT');
    }
    expect(server.requests).toHaveLength(2);
  });
});
