/**
 * Jasmin's receipts round trip: a send with a status callback asks Jasmin for receipts at that URL
 * (carrying our message id), and the receipt Jasmin then posts is read back to that id and
 * answered with exactly `ACK/Jasmin`, without which Jasmin sends it again.
 */
import { describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { createWebhookReceiver } from '../../src/webhook/receiver.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const VALUES = { username: 'foo', password: 'bar', webhookToken: 'j4smin' };

describe.each(['jasmin', 'jasmin-rest'])('%s receipts', (id) => {
  it('asks for receipts at our callback URL and reads the one Jasmin posts back to our message id', async () => {
    const provider = await loadProvider(id);
    const account = accountFromValue({ provider: id, ...VALUES }, `${id}.account.json`, undefined);
    const s = await server(() => ({ status: 200, body: 'Success "16fd2706-8baf-433b-82eb-8c7fada847da"' }));
    const sb = createConnector({
      provider,
      account,
      origin: s.origin,
      retry: false,
      statusCallback: 'https://gw.example.com/hooks/jasmin/status?key=j4smin',
    });
    const [result] = await sb.sendMessage({ to: '+33622217200', body: 'Hi', messageId: 'order é/42' });
    await sb.close();
    expect(result?.ok).toBe(true);
    const body = s.requests[0]?.body ?? '';
    const sent: Record<string, unknown> =
      id === 'jasmin' ? Object.fromEntries(new URLSearchParams(body)) : (JSON.parse(body) as Record<string, unknown>);
    expect(sent).toMatchObject({ dlr: 'yes', 'dlr-level': '3', 'dlr-method': 'POST' });
    const dlrUrl = sent['dlr-url'] as string;
    expect(dlrUrl).toBe('https://gw.example.com/hooks/jasmin/status?key=j4smin&sb=order%20%C3%A9%2F42');

    // What Jasmin's DLRThrower posts to that URL (jasmin/routing/throwers.py): a form of the receipt.
    const receipt = new URLSearchParams({
      id: '16fd2706-8baf-433b-82eb-8c7fada847da',
      level: '3',
      message_status: 'UNDELIV',
      connector: 'demo_cid',
      id_smsc: '2567',
      err: '001',
    });
    const received = createWebhookReceiver({ provider, account }).receive({
      method: 'POST',
      url: dlrUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: receipt.toString(),
    });
    expect(received.ok && received.events).toMatchObject([
      { type: 'status', messageId: 'order é/42', status: 'undelivered', errorCode: '001' },
    ]);
    expect(received.answer.body).toBe('ACK/Jasmin');
    expect(received.answer.status).toBe(200);
  });
});
