/**
 * Kannel's delivery reports round trip: the dlr-url a send hands to Kannel holds our status callback
 * URL and Kannel's own escapes (%d, %F, %T), Kannel fills them in as its user guide documents, and
 * the report it then fetches gives back our message id and the status.
 */
import { describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { createWebhookReceiver } from '../../src/webhook/receiver.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const VALUES = { username: 'tester', password: 'foobar', from: '+15551230000', webhookToken: 'k4nnel' };

/**
 * Kannel's escape expansion of a dlr-url (user guide, "Parameters (Escape Codes)"; gw/urltrans.c):
 * `%%` is `%`, a known code is its value URL-encoded, an unknown one is kept as written.
 */
function expandLikeKannel(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/%([\s\S])/g, (whole, code: string) => {
    if (code === '%') return '%';
    const value = values[code];
    return value === undefined ? whole : encodeURIComponent(value);
  });
}

/** Sends one message through the catalogue's kannel file to a loopback server; returns the query it sent. */
async function sendsms(statusCallback: string | undefined, messageId: string) {
  const provider = await loadProvider('kannel');
  const account = accountFromValue({ provider: 'kannel', ...VALUES }, 'kannel.account.json', undefined);
  const s = await server(() => ({ status: 202, body: '0: Accepted for delivery' }));
  const sb = createConnector({
    provider,
    account,
    origin: s.origin,
    retry: false,
    ...(statusCallback === undefined ? {} : { statusCallback }),
  });
  const [result] = await sb.sendMessage({ to: '+15551234567', body: 'Hi', messageId });
  await sb.close();
  expect(result?.ok).toBe(true);
  return { provider, account, query: new URL(s.requests[0]?.url ?? '', 'http://x').searchParams };
}

describe('Kannel dlr-url', () => {
  it('hands Kannel our callback URL with its own %d, %F and %T left as written, and every % of ours doubled', async () => {
    const { query } = await sendsms('https://gw.example.com/hooks/kannel/status?key=k4nnel', 'msg 42/ä');
    expect(query.get('dlr-mask')).toBe('31');
    expect(query.get('dlr-url')).toBe(
      'https://gw.example.com/hooks/kannel/status?key=k4nnel&sb=msg%%2042%%2F%%C3%%A4&type=%d&fid=%F&at=%T',
    );
  });

  it('gives back our message id and the status from the report Kannel fetches, even where %C or %A would be its escapes', async () => {
    // The id's é encodes to %C3%A9: without the doubling, Kannel would put its charset (%C) and
    // the SMSC's reply (%A) there.
    const messageId = 'order é/42';
    const { provider, account, query } = await sendsms(
      'https://gw.example.com/hooks/kannel/status?key=k4nnel',
      messageId,
    );
    const called = expandLikeKannel(query.get('dlr-url') ?? '', {
      d: '1',
      F: '0A1B2C3D',
      T: '1767262860',
      C: 'UTF-8',
      A: 'id:0A1B2C3D stat:DELIVRD',
    });
    const result = createWebhookReceiver({ provider, account }).receive({
      method: 'GET',
      url: called,
      headers: {},
      body: '',
    });
    expect(result.ok && result.endpoint).toBe('status');
    expect(result.ok && result.events).toMatchObject([
      {
        type: 'status',
        messageId,
        providerMessageId: '0A1B2C3D',
        status: 'delivered',
        at: '2026-01-01T10:21:00.000Z',
      },
    ]);
  });

  it('maps each report type Kannel documents, and refuses a report without the URL secret', async () => {
    const { provider, account, query } = await sendsms('https://gw.example.com/hooks/kannel/status?key=k4nnel', 'm-1');
    const receiver = createWebhookReceiver({ provider, account });
    const statusOf = (type: string) => {
      const result = receiver.receive({
        method: 'GET',
        url: expandLikeKannel(query.get('dlr-url') ?? '', { d: type, F: 'X1', T: '1767262860' }),
        headers: {},
        body: '',
      });
      return result.ok ? result.events.map((e) => e.type === 'status' && e.status) : result.code;
    };
    expect(['1', '2', '4', '8', '16'].map(statusOf)).toEqual([
      ['delivered'],
      ['undelivered'],
      ['queued'],
      ['sent'],
      ['rejected'],
    ]);
    const forged = receiver.receive({
      method: 'GET',
      url: 'https://gw.example.com/hooks/kannel/status?sb=m-1&type=1&fid=X1&at=1767262860',
      headers: {},
      body: '',
    });
    expect(forged.ok ? 'verified' : forged.code).toBe('WEBHOOK_UNVERIFIED');
  });

  it('asks for no report without a status callback: dlr-mask and dlr-url are empty, which Kannel reads as none', async () => {
    const { query } = await sendsms(undefined, 'm-2');
    expect([query.get('dlr-mask'), query.get('dlr-url')]).toEqual(['', '']);
  });
});
