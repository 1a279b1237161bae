/**
 * Issue 15 item 5: what reads only account values (a URL, a header, a Basic credential) is rendered
 * once per account and service, not per message. Connectors sharing one provider must still each
 * send their own account's values, what reads a parameter must still change per message, and
 * what cannot render must still fail each send that needs it.
 */
import { describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('parts rendered once per account', () => {
  it("sends each account's own URL and Basic credential when two connectors share one provider", async () => {
    const s = await server(() => ({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: '{"sid":"SM1"}',
    }));
    const provider = await loadProvider('twilio');
    const make = (sid: string, token: string) =>
      createConnector({
        provider,
        account: accountFromValue(
          { provider: 'twilio', username: sid, password: token, from: '+15557122661' },
          'a',
          undefined,
        ),
        origin: s.origin,
        retry: false,
      });
    const one = make('AC1111', 'token-one');
    const two = make('AC2222', 'token-two');
    for (let round = 0; round < 2; round++) {
      await one.sendMessage({ to: ['+13125550001', '+13125550002'], body: 'a' });
      await two.sendMessage({ to: '+13125550003', body: 'b' });
    }
    await Promise.all([one.close(), two.close()]);
    const seen = s.requests.map((r) => [r.url, r.headers.authorization, new URLSearchParams(r.body).get('To')]);
    const first = ['/2010-04-01/Accounts/AC1111/Messages.json', basic('AC1111', 'token-one')];
    const second = ['/2010-04-01/Accounts/AC2222/Messages.json', basic('AC2222', 'token-two')];
    // Requests of one call travel on parallel connections, so they are compared as sorted sets.
    expect(seen.sort()).toEqual([
      [...first, '+13125550001'],
      [...first, '+13125550001'],
      [...first, '+13125550002'],
      [...first, '+13125550002'],
      [...second, '+13125550003'],
      [...second, '+13125550003'],
    ]);
  });

  it('renders per message what reads a parameter, next to what the account fixes', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith({
      url: 'https://e.com/%account[username]%/send?to=%sms_to%',
      method: 'GET',
      headers: { 'X-Key': '%account[username]%-key', 'X-Body': '%sms_body%' },
    });
    const sb = connect(file, {}, { origin: s.origin, retry: false });
    await sb.sendMessage({ to: ['+13125550001', '+13125550002'], body: 'one' });
    await sb.sendMessage({ to: '+13125550003', body: 'two' });
    await sb.close();
    expect(s.requests.map((r) => [r.url, r.headers['x-key'], r.headers['x-body']]).sort()).toEqual([
      ['/johndow/send?to=%2B13125550001', 'johndow-key', 'one'],
      ['/johndow/send?to=%2B13125550002', 'johndow-key', 'one'],
      ['/johndow/send?to=%2B13125550003', 'johndow-key', 'two'],
    ]);
  });

  it('fails every send, not only the first, when an account value cannot stand in a fixed header', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith({
      url: 'https://e.com/send',
      method: 'GET',
      headers: { 'X-Key': '%account[username]%' },
    });
    const sb = connect(file, { username: 'line\nbreak' }, { origin: s.origin, retry: false });
    const results = [
      ...(await sb.sendMessage({ to: '+13125550001', body: 'a' })),
      ...(await sb.sendMessage({ to: '+13125550002', body: 'b' })),
    ];
    await sb.close();
    expect(results.map((r) => [r.ok, r.code])).toEqual([
      [false, 'RENDER_FAILED'],
      [false, 'RENDER_FAILED'],
    ]);
    expect(s.requests).toHaveLength(0);
  });
});
