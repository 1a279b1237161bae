/** Signed and token-authenticated requests, verified by loopback servers that check them as the providers do. */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

const azureKey = Buffer.from('azure-access-key-bytes').toString('base64');

describe('HMAC request signing', () => {
  it('signs as Azure Communication Services checks it: date, host and body hash', async () => {
    const s = await server((req) => {
      const date = String(req.headers['x-ms-date']);
      const hash = createHash('sha256').update(req.body).digest('base64');
      const toSign = `${req.method}\n${req.url}\n${date};${String(req.headers.host)};${hash}`;
      const expected = createHmac('sha256', Buffer.from(azureKey, 'base64')).update(toSign).digest('base64');
      const ok =
        req.headers['x-ms-content-sha256'] === hash &&
        req.headers.authorization ===
          `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${expected}`;
      return ok
        ? {
            status: 202,
            headers: { 'content-type': 'application/json' },
            body: '{"value":[{"messageId":"m1","successful":true}]}',
          }
        : { status: 401, body: '{"error":{"message":"Denied"}}' };
    });
    const sb = connect(
      providerWith({
        url: 'https://contoso.communication.azure.com/sms?api-version=2021-03-07',
        contentType: 'application/json',
        body: { from: '%account[from]%', smsRecipients: [{ to: '%sms_to%' }], message: '%sms_body%' },
        auth: {
          type: 'hmac',
          key: '%account[password]%',
          keyEncoding: 'base64',
          stringToSign:
            '%request_method%\n%request_path_and_query%\n%request_date_rfc1123%;%request_host%;%body_sha256_base64%',
          headers: {
            'x-ms-date': '%request_date_rfc1123%',
            'x-ms-content-sha256': '%body_sha256_base64%',
            Authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=%signature%',
          },
        },
        response: { messageId: '/value/0/messageId' },
      }),
      { password: azureKey, from: '+15550001111' },
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551231234', body: 'Signed & "sealed" 🎉' });
    const shown = sb.render('sendMessage', { sms_to: '+15551231234', sms_body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: true, status: 202, messageId: 'm1' });
    expect(shown.headers.authorization).toBe(
      'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=****',
    );
  });

  it('refuses an unknown placeholder in the string to sign, at load', () => {
    expect(() =>
      connect(
        providerWith({
          url: 'https://e.com/?to=%sms_to%',
          auth: { type: 'hmac', key: 'k', stringToSign: '%request_colour%', headers: { 'X-Sig': '%signature%' } },
        }),
      ),
    ).toThrow(/unknown placeholder %request_colour%/);
  });

  it('signs when the request goes, after the rate limits held it, not before the wait', async () => {
    const s = await server(() => ({ status: 200 }));
    let release!: () => void;
    const rateLimiter = {
      acquire: () => new Promise<() => void>((resolve) => (release = () => resolve(() => undefined))),
    };
    const sb = connect(
      providerWith(
        {
          url: 'https://e.com/send?to=%sms_to%',
          auth: {
            type: 'hmac',
            key: 'k',
            stringToSign: '%request_timestamp%',
            headers: { 'X-Timestamp': '%request_timestamp%', 'X-Sig': '%signature%' },
          },
        },
        { rateLimits: [{ requests: 1, perSeconds: 60, key: '%account[username]%' }] },
      ),
      {},
      { origin: s.origin, rateLimiter },
    );
    const sending = sb.sendMessage({ to: '+15551231234', body: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const releasedAt = Date.now();
    release();
    await sending;
    await sb.close();
    expect(Number(s.requests[0]?.headers['x-timestamp'])).toBeGreaterThanOrEqual(Math.floor(releasedAt / 1000));
  });
});

describe('OAuth2 client credentials', () => {
  function tokenServer(tokenAnswer: () => { status: number; body: string }) {
    let tokenRequests = 0;
    return {
      count: () => tokenRequests,
      start: () =>
        server((req) => {
          if (req.url === '/oauth2/token') {
            tokenRequests++;
            expect(req.body).toBe('grant_type=client_credentials&scope=sms');
            expect(req.headers.authorization).toBe(`Basic ${Buffer.from('client-1:s3cr%26t').toString('base64')}`);
            return { ...tokenAnswer(), headers: { 'content-type': 'application/json' } };
          }
          return req.headers.authorization === 'Bearer tok-123'
            ? { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"b1"}' }
            : { status: 401, body: 'no token' };
        }),
    };
  }
  const oauthProvider = providerWith({
    url: 'https://sms.example.com/batches',
    contentType: 'application/json',
    body: { to: ['%sms_to%'], body: '%sms_body%' },
    auth: {
      type: 'oauth2',
      tokenUrl: 'https://auth.example.com/oauth2/token',
      clientId: '%account[username]%',
      clientSecret: '%account[password]%',
      scope: 'sms',
    },
    response: { messageId: '/id' },
  });

  it('fetches one token for many concurrent sends and reuses it until it expires', async () => {
    const t = tokenServer(() => ({
      status: 200,
      body: JSON.stringify({ access_token: 'tok-123', token_type: 'bearer', expires_in: 3600 }),
    }));
    const s = await t.start();
    const sb = connect(
      oauthProvider,
      { username: 'client-1', password: 's3cr&t' },
      { origin: s.origin, concurrency: 4 },
    );
    const first = await sb.sendMessage({
      to: ['+15551230001', '+15551230002', '+15551230003', '+15551230004'],
      body: 'x',
    });
    const second = await sb.sendMessage({ to: '+15551230005', body: 'y' });
    await sb.close();
    expect([...first, ...second].map((r) => [r.ok, r.messageId])).toEqual(Array(5).fill([true, 'b1']));
    expect(t.count()).toBe(1);
  });

  it('turns a refused token request into AUTH_FAILED and sends nothing', async () => {
    const t = tokenServer(() => ({
      status: 401,
      body: JSON.stringify({ error: 'invalid_client', error_description: 'Client authentication failed' }),
    }));
    const s = await t.start();
    const sb = connect(oauthProvider, { username: 'client-1', password: 's3cr&t' }, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      status: 401,
      code: 'AUTH_FAILED',
      error: 'the token request failed: Client authentication failed',
      retryable: false,
      ambiguous: false,
    });
    expect(s.requests.map((r) => r.url)).toEqual(['/oauth2/token']);
  });

  it('refuses, when the connector is made, a token URL that would carry the client secret over plain http', () => {
    const insecure = providerWith({
      ...oauthProvider.services.sendMessage,
      auth: {
        type: 'oauth2',
        tokenUrl: 'http://auth.example.com/oauth2/token',
        clientId: '%account[username]%',
        clientSecret: '%account[password]%',
      },
    });
    expect(() => connect(insecure, { username: 'client-1', password: 's3cr&t' })).toThrow(
      /services\/sendMessage\/auth\/tokenUrl.*plain http to auth\.example\.com/s,
    );
  });

  it('shows the token request in a masked render, with the client secret masked', () => {
    const sb = connect(oauthProvider, { username: 'client-1', password: 's3cr&t' });
    const shown = sb.render('sendMessage', { sms_to: '+15551231234', sms_body: 'x' });
    expect(shown.tokenRequest).toMatchObject({
      tokenUrl: 'https://auth.example.com/oauth2/token',
      clientId: 'client-1',
      clientSecret: '****',
      scope: 'sms',
    });
  });
});

describe('TeleSign HMAC (the provider file as written)', () => {
  it('signs as TeleSign checks it: method, content type, date, nonce, body and path', async () => {
    const { loadProvider } = await import('../../src/config/load-provider.js');
    const { accountFromValue } = await import('../../src/config/load-account.js');
    const { createConnector } = await import('../../src/connector/connector.js');
    const apiKey = Buffer.from('telesign-api-key').toString('base64');
    const s = await server((req) => {
      const toSign = `${req.method}\n${String(req.headers['content-type'])}\n${String(req.headers.date)}\nx-ts-auth-method:HMAC-SHA256\nx-ts-nonce:${String(req.headers['x-ts-nonce'])}\n${req.body}\n${req.url}`;
      const signature = createHmac('sha256', Buffer.from(apiKey, 'base64')).update(toSign).digest('base64');
      const ok =
        req.headers.authorization === `TSA CUSTOMER-1:${signature}` &&
        req.headers['x-ts-auth-method'] === 'HMAC-SHA256';
      return ok
        ? {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ reference_id: 'ref-1', status: { code: 290, description: 'Message in progress' } }),
          }
        : {
            status: 401,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              errors: [{ code: -30000, description: 'Invalid signature' }],
              status: { code: 10022 },
            }),
          };
    });
    const account = accountFromValue(
      { provider: 'telesign-hmac', username: 'CUSTOMER-1', password: apiKey },
      'a.json',
      undefined,
    );
    const sb = createConnector({ provider: await loadProvider('telesign-hmac'), account, origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+44 7700 900123', body: 'Signed & "sealed"\n🎉' });
    await sb.close();
    expect(result).toMatchObject({ ok: true, messageId: 'ref-1' });
  });
});
