/**
 * D7 Networks takes the delivery report URL per send, nested in `message_globals.report_url`: the
 * connector's statusCallback is rendered there with our message id, and the report D7 posts to it
 * (a form, verified by the account's ?key= secret) gives that id back as the event's messageId.
 */
import { describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { createWebhookReceiver } from '../../src/webhook/receiver.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const D7 = { password: 'd7-api-token', from: 'SignOTP', webhookToken: 'k3y' };

/** Sends one message through the catalogue's D7 file to a loopback server; returns what it needs to receive. */
async function sendThrough(statusCallback?: string) {
  const provider = await loadProvider('d7networks');
  const account = accountFromValue({ provider: 'd7networks', ...D7 }, 'd7.account.json', undefined);
  const s = await server(() => ({ status: 200, body: '{"request_id":"r-1","status":"accepted"}' }));
  const sb = createConnector({
    provider,
    account,
    origin: s.origin,
    retry: false,
    ...(statusCallback === undefined ? {} : { statusCallback }),
  });
  const [result] = await sb.sendMessage({ to: '+971501234567', body: 'Hi & bye', messageId: 'msg 42/ä' });
  await sb.close();
  const globals = (JSON.parse(s.requests[0]?.body ?? '{}') as { message_globals: Record<string, unknown> })
    .message_globals;
  return { provider, account, result, globals };
}

describe('D7 Networks delivery reports per message', () => {
  it('renders report_url with our message id, and the report posted to it carries that id', async () => {
    const { provider, account, result, globals } = await sendThrough('https://gw.example.com/hooks/d7/status?key=k3y');
    expect(result).toMatchObject({ ok: true, messageId: 'r-1' });
    expect(globals.report_url).toBe('https://gw.example.com/hooks/d7/status?key=k3y&sb=msg%2042%2F%C3%A4');
    const received = createWebhookReceiver({ provider, account }).receive(
      {
        method: 'POST',
        url: globals.report_url as string,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'request_id=r-1&msg_id=m-1&recipient=%2B971501234567&originator=SignOTP&status=delivered',
      },
      'status',
    );
    expect(
      received.ok && received.events.map((e) => e.type === 'status' && [e.providerMessageId, e.messageId, e.status]),
    ).toEqual([['r-1', 'msg 42/ä', 'delivered']]);
  });

  it('leaves report_url out without a statusCallback, so D7 reports to the URL set in its dashboard', async () => {
    const { globals } = await sendThrough();
    expect(globals).toEqual({ originator: 'SignOTP' });
  });
});
