/**
 * An Acrobits account using every web service works unchanged through the library, against a
 * loopback server that answers as the Acrobits documentation shows.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { accountFromXml } from '../../src/acrobits/account.js';
import { accountFromValue } from '../../src/config/load-account.js';
import { createConnector } from '../../src/connector/connector.js';
import { ConfigError } from '../../src/errors.js';
import type { RecordingServer } from '../../src/fixtures/recording-server.js';
import { startAcrobitsServer, type AcrobitsServerOptions } from '../helpers/acrobits-server.js';

const xmlFile = new URL('../fixtures/acrobits-account.xml', import.meta.url);
const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(options: AcrobitsServerOptions = {}) {
  const server = await startAcrobitsServer(options);
  servers.push(server);
  const account = accountFromXml(await readFile(xmlFile, 'utf8'), 'account.xml');
  const sb = createConnector({
    account,
    origin: server.origin,
    globals: { installid: 'install-42', appid: 'com.example.softphone' },
  });
  return { server, sb };
}

describe('an Acrobits account with every web service', () => {
  it('sends a message as the JSON PostData says, with the number rewritten and %smart% as a JSON literal', async () => {
    const { server, sb } = await setup();
    const [result] = await sb.sendMessage({ to: '0015551231234', body: 'Hi "there" & 50%\n🎉', smart: true });
    await sb.close();
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      from: 'johndow',
      password: '12345678',
      sms_to: '+15551231234',
      sms_body: 'Hi "there" & 50%\n🎉',
      smart: 1,
      region: 'eu-1',
    });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('fetches messages into one typed model, passing the last known ids and the install id', async () => {
    const { server, sb } = await setup();
    const result = await sb.fetchMessages({ lastKnownSmsId: '101', lastKnownSentSmsId: '' });
    await sb.close();
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      username: 'johndow',
      password: '12345678',
      last_id: '101',
      last_sent_id: '',
      device: 'install-42',
    });
    expect(result.ok).toBe(true);
    expect(result.data).toEqual({
      date: new Date('2015-03-15T01:00:00Z'),
      received: [
        {
          smsId: '102',
          sendingDate: new Date('2015-03-14T23:50:00Z'),
          sender: '+15559876543',
          text: 'Second',
          contentType: 'text/plain',
          displayed: true,
        },
      ],
      sent: [
        {
          smsId: '201',
          sendingDate: new Date('2015-03-15T00:47:00Z'),
          recipient: '+15551231234',
          text: 'Reply',
          contentType: 'text/plain',
          dispositionNotification: 'display',
        },
      ],
    });
  });

  it('accepts the legacy unread_smss name for received messages', async () => {
    const { sb } = await setup({ unreadName: true });
    const result = await sb.fetchMessages();
    await sb.close();
    expect(result.data?.received.map((m) => [m.smsId, m.text, m.streamId])).toEqual([
      ['101', 'Hello & "welcome" 🎉', 's1'],
      ['102', 'Second', undefined],
    ]);
  });

  it('fails a fetch answer with neither message array, saying so', async () => {
    const { sb } = await setup({ fetchBody: { date: '2015-03-15T01:00:00Z', messages: [] } });
    const result = await sb.fetchMessages();
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      status: 200,
      code: 'RESPONSE_INVALID',
      error: 'the response has none of the message arrays /received_smss, /unread_smss, /sent_smss',
    });
  });

  it('fails a fetch answer whose date does not parse, naming the message and field', async () => {
    const { sb } = await setup({
      fetchBody: { received_smss: [{ sms_id: '7', sending_date: 'yesterday', sms_text: 'x' }] },
    });
    const result = await sb.fetchMessages();
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      code: 'RESPONSE_INVALID',
      error: 'message /received_smss/0 (id 7) has a date that does not parse, "yesterday" at /sending_date',
    });
  });

  it('checks the balance, with %sha1(%account[password]%)% in the URL', async () => {
    const { server, sb } = await setup();
    const result = await sb.checkBalance();
    await sb.close();
    expect(result).toMatchObject({ ok: true, data: { balanceString: '$60.20', balance: 60.2, currency: 'USD' } });
    expect(server.requests[0]?.url).toBe('/balance/?username=johndow&hash=7c222fb2927d828af22f592134e8932480637c0d');
    expect(server.requests[0]?.method).toBe('GET');
  });

  it('reads the legacy XML balance and rate answers', async () => {
    const { sb } = await setup({ legacy: true });
    expect((await sb.checkBalance()).data).toEqual({ balanceString: '$60.20' });
    expect((await sb.checkRate('+1 (555) 123-1234')).data).toEqual({
      callRateString: '+15551231234 = EUR 0.0044 / min',
    });
    await sb.close();
  });

  it('checks rates for a number written as the apps send it, with its Smart URI', async () => {
    const { server, sb } = await setup();
    const result = await sb.checkRate('+1 (555) 123-1234', { smartUri: 'sip:bob@example.com' });
    await sb.close();
    expect(server.requests[0]?.url).toBe(
      '/rate/?username=johndow&targetNumber=%2B15551231234&smartUri=sip%3Abob%40example.com',
    );
    expect(result.data).toEqual({
      callRateString: 'United States = EUR 0.0044 / min',
      messageRateString: 'EUR 0.01 / message',
      smartCallRateString: 'free',
      smartMessageRateString: 'free',
    });
  });

  it('reports push tokens with every parameter, and custom headers split on a literal \\n', async () => {
    const { server, sb } = await setup();
    const result = await sb.reportPushToken({
      selector: '12869E0E6E553673C54F29105A0647204C416A2A:7C3A0D14',
      pushToken: 'dG9rZW4=',
      pushappid: 'com.example.softphone',
      pushTokenIncomingCall: 'voip+token',
      pushappidIncomingCall: 'com.example.softphone.voip',
    });
    await sb.close();
    expect(result).toMatchObject({ ok: true, status: 200 });
    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      username: 'johndow',
      selector: '12869E0E6E553673C54F29105A0647204C416A2A:7C3A0D14',
      token: 'dG9rZW4=',
      appid: 'com.example.softphone',
      token_calls: 'voip+token',
      appid_calls: 'com.example.softphone.voip',
    });
    expect(request?.headers).toMatchObject({
      'x-app': 'com.example.softphone',
      'x-install': 'install-42',
      'content-type': 'application/x-www-form-urlencoded',
    });
  });
});

describe('the Acrobits web-service model', () => {
  const account = (values: Record<string, string>) =>
    accountFromValue({ username: 'johndow', password: 'pw', ...values }, 'acct.json', undefined);

  it('uses the method named, or GET without a body and POST with one', async () => {
    const server = await startAcrobitsServer();
    servers.push(server);
    for (const [values, method] of [
      [{ genericSmsSendUrl: 'https://x/send_message/?to=%sms_to%' }, 'GET'],
      [{ genericSmsSendUrl: 'https://x/send_message/', genericSmsPostData: 'to=%sms_to%' }, 'POST'],
      [
        { genericSmsSendUrl: 'https://x/send_message/', genericSmsPostData: 'to=%sms_to%', genericSmsMethod: 'put' },
        'PUT',
      ],
      [{ genericSmsSendUrl: 'https://x/send_message/?to=%sms_to%', genericSmsMethod: 'DELETE' }, 'DELETE'],
      [{ genericSmsSendUrl: 'https://x/send_message/?to=%sms_to%', genericSmsMethod: 'HEAD' }, 'HEAD'],
    ] as const) {
      const sb = createConnector({ account: account(values), origin: server.origin });
      expect((await sb.sendMessage({ to: '+15551231234', body: 'x' }))[0]?.ok).toBe(true);
      await sb.close();
      expect(server.requests.at(-1)?.method).toBe(method);
    }
  });

  it('answers a Digest challenge with AuthUsername and AuthPassword, and masks a literal password in renders', async () => {
    const { startRecordingServer } = await import('../../src/fixtures/recording-server.js');
    const server = await startRecordingServer((req) =>
      String(req.headers.authorization ?? '').startsWith('Digest ')
        ? { status: 200 }
        : { status: 401, headers: { 'www-authenticate': 'Digest realm="sms", nonce="n1", qop="auth"' } },
    );
    servers.push(server);
    const sb = createConnector({
      account: account({
        genericSmsSendUrl: 'https://x/send?to=%sms_to%',
        genericSmsAuthUsername: '%account[username]%',
        genericSmsAuthPassword: 'literal-s3cret',
      }),
      origin: server.origin,
    });
    expect((await sb.sendMessage({ to: '+15551231234', body: 'x' }))[0]?.ok).toBe(true);
    expect(String(server.requests[1]?.headers.authorization)).toMatch(/^Digest username="johndow", realm="sms"/);
    expect(JSON.stringify(sb.render('sendMessage', { sms_to: '+1', sms_body: 'x' }))).not.toContain('literal-s3cret');
    await sb.close();
  });

  it('refuses %account[password]% bound for plain http to a remote host', () => {
    expect(() =>
      createConnector({
        account: account({ genericSmsSendUrl: 'http://sms.example.com/send?p=%account[password]%&to=%sms_to%' }),
      }),
    ).toThrow(/secret would be sent over plain http to sms.example.com/);
    expect(() =>
      createConnector({
        account: account({
          genericSmsSendUrl: 'http://sms.example.com/send?to=%sms_to%&h=%sha1(%account[password]%)%',
        }),
      }),
    ).toThrow(ConfigError);
    expect(() =>
      createConnector({
        account: account({ genericSmsSendUrl: 'http://sms.example.com/send?u=%account[username]%&to=%sms_to%' }),
      }),
    ).not.toThrow();
  });

  it('names the key whose service needs an account value the account lacks', () => {
    expect(() =>
      accountFromValue(
        { password: 'pw', genericSmsSendUrl: 'https://x/send?u=%account[username]%&t=%account[title]%' },
        'acct.json',
        undefined,
      ),
    ).toThrow(
      /acct.json#\/genericSmsSendUrl: uses %account\[username\]%, but the account has no username[\s\S]*acct.json#\/genericSmsSendUrl: uses %account\[title\]%, but the account has no title/,
    );
  });

  it('keeps unknown keys, usable as %account[KEY]%', async () => {
    const a = accountFromXml(await readFile(xmlFile, 'utf8'), 'account.xml');
    expect(a.values.host).toBe('sip.example.com');
    expect(a.values.region).toBe('eu-1');
  });

  it('refuses a Url that is not http or https, naming the key', () => {
    expect(() =>
      account({ genericSmsSendUrl: 'https://x/?to=%sms_to%', genericBalanceCheckUrl: 'sip:balance@example.com' }),
    ).toThrow(/acct.json#\/genericBalanceCheckUrl: must start with http:\/\/ or https:\/\//);
  });
});
