/**
 * Issue 10 item 4: a send renders a per-message status callback URL carrying our message id, and the
 * delivery report the provider then posts to that URL gives back that id as `messageId`.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider, providerFromValue } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { ConfigError } from '../../src/errors.js';
import { createWebhookReceiver } from '../../src/webhook/receiver.js';
import { providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

/** Sends one message through a catalogue provider to a loopback server; returns the provider, account and request body. */
async function sendThrough(id: string, values: Record<string, string>, statusCallback?: string) {
  const provider = await loadProvider(id);
  const account = accountFromValue({ provider: id, ...values }, `${id}.account.json`, undefined);
  const s = await server(() => ({ status: 200, body: '{}' }));
  const sb = createConnector({
    provider,
    account,
    origin: s.origin,
    retry: false,
    ...(statusCallback === undefined ? {} : { statusCallback }),
  });
  await sb.sendMessage({ to: '+13125550002', body: 'Hi & bye', messageId: 'msg 42/ä' });
  await sb.close();
  return { provider, account, body: s.requests[0]?.body ?? '' };
}

const TWILIO = { username: 'AC0123456789abcdef0123456789abcdef', password: 'twilio-auth-token', from: '+15557122661' };
const ELKS = { username: 'u1', password: 'p1', from: '+46700000000', webhookToken: 'k3y' };

/** Twilio's signature: HMAC-SHA1 over the URL and the sorted form pairs, base64. */
function twilioSignature(url: string, form: URLSearchParams, token: string): string {
  const pairs = [...form.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha1', token)
    .update(url + pairs.map(([k, v]) => k + v).join(''))
    .digest('base64');
}

describe('status callback URLs per message', () => {
  it('renders Twilio StatusCallback with our message id, and the signed delivery report to it carries that id', async () => {
    const { provider, account, body } = await sendThrough(
      'twilio',
      TWILIO,
      'https://gw.example.com/hooks/twilio-main/status',
    );
    const callback = new URLSearchParams(body).get('StatusCallback');
    expect(callback).toBe('https://gw.example.com/hooks/twilio-main/status?sb=msg%2042%2F%C3%A4');
    const form = new URLSearchParams({ MessageSid: 'SM123', MessageStatus: 'delivered', AccountSid: TWILIO.username });
    const signature = twilioSignature(callback as string, form, TWILIO.password);
    const result = createWebhookReceiver({ provider, account }).receive({
      method: 'POST',
      url: callback as string,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: form.toString(),
    });
    expect(result.ok && result.endpoint).toBe('status');
    expect(result.ok && result.events.map((e) => e.type === 'status' && [e.messageId, e.status])).toEqual([
      ['msg 42/ä', 'delivered'],
    ]);
  });

  it('appends sb to a callback URL that already has a query (46elks whendelivered with a ?key= secret)', async () => {
    const { provider, account, body } = await sendThrough(
      '46elks',
      ELKS,
      'https://gw.example.com/hooks/elks/status?key=k3y',
    );
    const callback = new URLSearchParams(body).get('whendelivered') as string;
    expect(callback).toBe('https://gw.example.com/hooks/elks/status?key=k3y&sb=msg%2042%2F%C3%A4');
    const result = createWebhookReceiver({ provider, account }).receive({
      method: 'POST',
      url: callback,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=s70df&status=delivered&delivered=2026-01-01+10%3A21%3A00.000000',
    });
    expect(result.ok && result.events.map((e) => e.type === 'status' && e.messageId)).toEqual(['msg 42/ä']);
  });

  it('renders Telnyx webhook_url in the JSON body, and the Ed25519-signed event to it carries our id', async () => {
    const keys = generateKeyPairSync('ed25519');
    const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
    const values = { password: 'KEY_test', from: '+18445550001', webhookPublicKey: publicKey };
    const { provider, account, body } = await sendThrough('telnyx', values, 'https://gw.example.com/hooks/telnyx');
    const callback = (JSON.parse(body) as { webhook_url: string }).webhook_url;
    expect(callback).toBe('https://gw.example.com/hooks/telnyx?sb=msg%2042%2F%C3%A4');
    const event = JSON.stringify({
      data: {
        event_type: 'message.finalized',
        id: 'e1',
        occurred_at: '2026-01-01T00:00:05.000+00:00',
        payload: { id: 'tx-1', to: [{ phone_number: '+13125550002', status: 'delivered' }] },
      },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${timestamp}|${event}`), keys.privateKey).toString('base64');
    const result = createWebhookReceiver({ provider, account }).receive({
      method: 'POST',
      url: callback,
      headers: {
        'content-type': 'application/json',
        'telnyx-signature-ed25519': signature,
        'telnyx-timestamp': timestamp,
      },
      body: event,
    });
    expect(result.ok && result.events.map((e) => e.type === 'status' && [e.messageId, e.status])).toEqual([
      ['msg 42/ä', 'delivered'],
    ]);
  });

  it('renders each catalogue callback field with the option and leaves it out without', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['twilio', TWILIO, 'StatusCallback'],
      ['signalwire', { ...TWILIO, space: 'example' }, 'StatusCallback'],
      ['46elks', ELKS, 'whendelivered'],
      ['vonage-sms', { username: 'k', password: 's', from: 'Acme' }, 'callback'],
      ['telnyx', { password: 'KEY', from: '+18445550001' }, 'webhook_url'],
      ['plivo', { username: 'MA1', password: 't', from: '+14155550001' }, 'url'],
      ['sinch', { servicePlanId: 'p', password: 't', from: '+12015555555', region: 'us' }, 'callback_url'],
      ['messagebird', { password: 'live_x', from: 'Acme' }, 'reportUrl'],
    ];
    for (const [id, values, field] of cases) {
      const fieldOf = (body: string) =>
        body.startsWith('{')
          ? (JSON.parse(body) as Record<string, unknown>)[field]
          : new URLSearchParams(body).get(field);
      const withIt = await sendThrough(id, values, 'https://gw.example.com/hooks/x');
      expect(fieldOf(withIt.body), id).toBe('https://gw.example.com/hooks/x?sb=msg%2042%2F%C3%A4');
      const without = await sendThrough(id, values);
      expect(fieldOf(without.body) ?? undefined, id).toBeUndefined();
      expect(without.body, id).not.toContain(field);
    }
  });

  it('gives every recipient its own id in the callback when the caller gives none', async () => {
    const s = await server(() => ({ status: 200, body: '{}' }));
    const provider = await loadProvider('twilio');
    const account = accountFromValue({ provider: 'twilio', ...TWILIO }, 'twilio.account.json', undefined);
    const sb = createConnector({ provider, account, origin: s.origin, statusCallback: 'https://gw.example.com/s' });
    await sb.sendMessage({ to: ['+13125550002', '+13125550003'], body: 'x' });
    await sb.close();
    const ids = s.requests.map((r) =>
      new URL(new URLSearchParams(r.body).get('StatusCallback') as string).searchParams.get('sb'),
    );
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a status callback that is not an http(s) URL or already carries sb', () => {
    const file = providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' } });
    const provider = providerFromValue(file, 'test-provider');
    const account = accountFromValue({ provider: 'test', username: 'u', password: 'p' }, 'a', undefined);
    for (const statusCallback of ['not a url', 'ftp://e.com/x', 'https://e.com/x?sb=1', 'https://e.com/x#f'])
      expect(() => createConnector({ provider, account, statusCallback }), statusCallback).toThrow(TypeError);
  });

  it('refuses at load an omitEmpty pointer that names no text field of the body', () => {
    const file = providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' }, omitEmpty: ['/callback'] });
    expect(() => providerFromValue(file, 'test-provider')).toThrow(ConfigError);
    try {
      providerFromValue(file, 'test-provider');
    } catch (error) {
      expect((error as ConfigError).message).toContain('/services/sendMessage/omitEmpty/0');
    }
  });

  it('leaves out only the listed empty fields, sending the others even when empty', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith({
      url: 'https://e.com/send',
      contentType: 'application/json',
      body: { messages: [{ to: '%sms_to%', from: '%account[from]%', notify: '%status_callback_url%' }] },
      omitEmpty: ['/messages/0/notify'],
    });
    const provider = providerFromValue(file, 'test-provider');
    const account = accountFromValue({ provider: 'test', username: 'u', password: 'p' }, 'a', undefined);
    const sb = createConnector({ provider, account, origin: s.origin });
    await sb.sendMessage({ to: '+15551231234', body: 'x' });
    await sb.close();
    expect(JSON.parse(s.requests[0]?.body ?? '')).toEqual({ messages: [{ to: '+15551231234', from: '' }] });
  });
});
