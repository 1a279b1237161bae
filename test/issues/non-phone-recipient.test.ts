/**
 * Issue 9, item 15: a recipient that is no phone number at all (`not-a-number`) was rendered for
 * Twilio and every provider with `allowNonPhone`. Now only the shapes a provider declares pass as
 * typed; anything else is a per-recipient NUMBER_INVALID and no request is made.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider, providerFromValue } from '../../src/config/load-provider.js';
import { createConnector, type Connector } from '../../src/connector/connector.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import type { Provider } from '../../src/provider/compile-provider.js';

let server: RecordingServer | undefined;
let connector: Connector | undefined;
afterEach(async () => {
  await connector?.close();
  await server?.close();
});

async function send(provider: Provider, account: Record<string, string>, to: string[]) {
  server = await startRecordingServer(() => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  }));
  connector = createConnector({
    provider,
    account: accountFromValue({ ...account, provider: provider.id }, 'test.account.json', undefined),
    origin: server.origin,
    retry: false,
  });
  const results = await connector.sendMessage({ to, body: 'Hi' });
  return { results, received: server.requests.length };
}

const twilioAccount = { username: 'AC1', password: 'token', from: '+15017122661' };

describe('a recipient that is no phone number', () => {
  it('is refused for Twilio with NUMBER_INVALID, and nothing is sent', async () => {
    const { results, received } = await send(await loadProvider('twilio'), twilioAccount, ['not-a-number']);
    expect(results[0]).toMatchObject({ ok: false, code: 'NUMBER_INVALID', retryable: false });
    expect(results[0]?.error).toContain('"not-a-number" is not a valid phone number');
    expect(received).toBe(0);
  });

  it('passes for Twilio as a whatsapp: channel address, which Twilio declares', async () => {
    const { results, received } = await send(await loadProvider('twilio'), twilioAccount, ['whatsapp:+15551231234']);
    expect(results[0]).toMatchObject({ ok: true });
    expect(received).toBe(1);
    expect(new URLSearchParams(server?.requests[0]?.body).get('To')).toBe('whatsapp:+15551231234');
  });

  it('refuses national digits without defaultCountry for Twilio, and the message says to set it', async () => {
    const { results } = await send(await loadProvider('twilio'), twilioAccount, ['5551231234', 'sip:a@example.com']);
    expect(results[0]).toMatchObject({ ok: false, code: 'NUMBER_INVALID' });
    expect(results[0]?.error).toContain('defaultCountry');
    // Twilio declares no sip: channel.
    expect(results[1]).toMatchObject({ ok: false, code: 'NUMBER_INVALID' });
  });

  it('is refused even where allowNonPhone is true, which admits channel addresses, ids and digits only', async () => {
    const provider = providerFromValue(
      {
        id: 'loose',
        name: 'Loose',
        docs: 'https://example.com/docs',
        parameters: {},
        numbers: { format: 'E164', allowNonPhone: true },
        services: { sendMessage: { url: 'https://e.com/send', postData: 'to=%sms_to%' } },
      },
      'loose.json',
    );
    const typed = ['not-a-number', 'hello world!', '+1555', 'sip:alice@example.com', 'MyShop', '12345', '555 123 1234'];
    const { results, received } = await send(provider, {}, typed);
    expect(results.map((r) => r.ok)).toEqual([false, false, false, true, true, true, true]);
    expect(received).toBe(4);
    expect(server?.requests.map((r) => decodeURIComponent(r.body.slice(3)))).toEqual(typed.slice(3));
  });

  it('passes a Sinch group id, which Sinch declares as a pattern, and no other text', async () => {
    const sinch = await loadProvider('sinch');
    const account = { servicePlanId: 'plan1', password: 'token', from: '+12015555555' };
    const { results } = await send(sinch, account, ['01FC66621VHDBN119Z8PMV1AHY', 'not-a-number']);
    expect(results.map((r) => [r.ok, r.code])).toEqual([
      [true, undefined],
      [false, 'NUMBER_INVALID'],
    ]);
  });
});
