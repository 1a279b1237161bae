/**
 * How inbound media URLs are fetched, as provider files say (`webhooks.mediaAccess`): hosts,
 * credentials and redirects. A small download loop follows each hop against real loopback servers
 * the way a gateway would, asking `request` first, so credentials are seen never to follow a
 * redirect to another origin.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request as undiciRequest } from 'undici';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider, providerFromValue } from '../../src/config/load-provider.js';
import type { ProviderFile } from '../../src/generated/provider.js';
import { webhookMediaAccess, type WebhookMediaAccess } from '../../src/webhook/media-access.js';
import { providerWith } from '../helpers/setup.js';

const twilioAccount = accountFromValue(
  { provider: 'twilio', username: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', password: 'tw-token', from: '+15557122661' },
  'account',
  undefined,
);
const basic = `Basic ${Buffer.from('ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:tw-token').toString('base64')}`;

describe('webhook media access from provider files', () => {
  it("gives Twilio's credentials to api.twilio.com only, and follows its redirect to the CDN without them", async () => {
    const access = webhookMediaAccess(await loadProvider('twilio'), twilioAccount) as WebhookMediaAccess;
    expect([access.auth, access.lifetime]).toEqual(['basic', 'until-deleted']);
    const first = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
    expect(access.request(first)).toEqual({ ok: true, url: first, headers: { authorization: basic } });
    const cdn = 'https://media.twiliocdn.com/AC1/abc?x-amz-security-token=t';
    expect(access.request(cdn, first)).toEqual({ ok: true, url: cdn, headers: {} });
    expect(access.request('https://s3-external-1.amazonaws.com/b/k', cdn)).toMatchObject({ ok: true, headers: {} });
  });

  it('refuses hosts the provider does not name, on the first hop and after a redirect', async () => {
    const access = webhookMediaAccess(await loadProvider('twilio'), twilioAccount) as WebhookMediaAccess;
    expect(access.request('https://media.twiliocdn.com/AC1/abc')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('media.twiliocdn.com is not a media host of twilio'),
    });
    expect(access.request('https://evil.example/steal', 'https://api.twilio.com/x')).toMatchObject({ ok: false });
    expect(access.request('https://api.twilio.com.evil.example/x')).toMatchObject({ ok: false });
    expect(access.request('http://api.twilio.com/x')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('https'),
    });
    expect(access.request('https://u:p@api.twilio.com/x')).toMatchObject({ ok: false });
  });

  it('fetches Telnyx media from any public host without credentials, and says it is short-lived', async () => {
    const account = accountFromValue({ provider: 'telnyx', password: 'KEY', from: '+18445550001' }, 'a', undefined);
    const access = webhookMediaAccess(await loadProvider('telnyx'), account) as WebhookMediaAccess;
    expect([access.auth, access.lifetime]).toEqual(['none', 'unknown']);
    expect(access.request('https://anything.example/m.jpg')).toEqual({
      ok: true,
      url: 'https://anything.example/m.jpg',
      headers: {},
    });
  });

  it('describes media access for every provider whose webhooks carry media', async () => {
    const described = [];
    for (const id of ['twilio', 'signalwire', 'telnyx', 'bandwidth', 'plivo', '46elks', 'flowroute', 'sinch'])
      described.push([id, (await loadProvider(id)).definition.webhooks?.mediaAccess?.auth.type]);
    expect(described).toEqual([
      ['twilio', 'basic'],
      ['signalwire', 'none'],
      ['telnyx', 'none'],
      ['bandwidth', 'basic'],
      ['plivo', 'basic'],
      ['46elks', 'basic'],
      ['flowroute', 'none'],
      ['sinch', 'none'],
    ]);
  });

  it('refuses at load credentials bound for any host, and undeclared account keys', () => {
    const file = (mediaAccess: object): ProviderFile =>
      providerWith(
        { url: 'https://api.example.com/send' },
        {
          webhooks: {
            mediaAccess: mediaAccess as never,
            endpoints: {
              inbound: {
                verify: { type: 'basic', username: '%account[username]%', password: '%account[password]%' },
                read: {
                  format: 'form',
                  event: { kind: 'inbound', from: { form: 'f' }, to: { form: 't' }, providerMessageId: { form: 'i' } },
                },
                answer: { status: 200 },
              },
            },
          },
        },
      );
    const basicAuth = { type: 'basic', username: '%account[username]%', password: '%account[password]%' };
    expect(() => providerFromValue(file({ auth: basicAuth, hosts: ['*'], lifetime: 'unknown' }), 'p.json')).toThrow(
      /mediaAccess\/hosts: cannot be "\*" with basic auth/,
    );
    expect(() =>
      providerFromValue(
        file({ auth: { ...basicAuth, password: '%account[nope]%' }, hosts: ['a.example'], lifetime: 60 }),
        'p.json',
      ),
    ).toThrow(/mediaAccess\/auth\/password: %account\[nope\]%/);
  });
});

/** One loopback server; `handle` answers, and every request's headers are kept. */
async function serve(handle: (url: string, res: ServerResponse) => void) {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handle(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { seen, port: (server.address() as AddressInfo).port };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** What a gateway does: ask before each hop, never let the client follow a redirect by itself. */
async function download(access: WebhookMediaAccess, url: string): Promise<{ bytes?: string; refused?: string }> {
  let current = url;
  let from: string | undefined;
  for (let hop = 0; hop < 5; hop++) {
    const plan = access.request(current, from);
    if (!plan.ok) return { refused: plan.reason };
    const response = await undiciRequest(plan.url, { headers: plan.headers });
    if (response.statusCode >= 300 && response.statusCode < 400) {
      await response.body.dump();
      from = plan.url;
      current = new URL(response.headers.location as string, plan.url).href;
      continue;
    }
    return { bytes: await response.body.text() };
  }
  return { refused: 'too many redirects' };
}

describe('downloading inbound media as the description says, against loopback servers', () => {
  const mediaProvider = (redirectHosts: string[]) =>
    providerFromValue(
      providerWith(
        { url: 'https://api.example.com/send' },
        {
          webhooks: {
            mediaAccess: {
              auth: { type: 'basic', username: '%account[username]%', password: '%account[password]%' },
              hosts: ['api.example.com'],
              redirectHosts,
              lifetime: 'until-deleted',
            },
            endpoints: {
              inbound: {
                verify: { type: 'basic', username: '%account[username]%', password: '%account[password]%' },
                read: {
                  format: 'form',
                  event: { kind: 'inbound', from: { form: 'f' }, to: { form: 't' }, providerMessageId: { form: 'i' } },
                },
                answer: { status: 200 },
              },
            },
          },
        },
      ),
      'test-provider',
    );
  const account = accountFromValue({ provider: 'test', username: 'johndow', password: 's3cr&t' }, 'a', undefined);
  const credentials = `Basic ${Buffer.from('johndow:s3cr&t').toString('base64')}`;

  it('sends the credentials to the provider host and not to the CDN it redirects to', async () => {
    const cdn = await serve((_url, res) => res.end('JPEG BYTES'));
    const api = await serve((_url, res) => {
      res.writeHead(307, { location: `http://localhost:${cdn.port}/signed?token=1` }).end();
    });
    // 127.0.0.1 stands in for the provider's API host, localhost for its CDN: two origins.
    const access = webhookMediaAccess(mediaProvider(['localhost']), account, {
      extraHosts: ['127.0.0.1'],
    }) as WebhookMediaAccess;
    const result = await download(access, `http://127.0.0.1:${api.port}/Media/ME1`);
    expect(result).toEqual({ bytes: 'JPEG BYTES' });
    expect(api.seen[0]?.headers.authorization).toBe(credentials);
    expect(cdn.seen).toHaveLength(1);
    expect(cdn.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('stops at a redirect to a host the provider file does not declare', async () => {
    const elsewhere = await serve((_url, res) => res.end('should not be fetched'));
    const api = await serve((_url, res) => {
      res.writeHead(302, { location: `http://localhost:${elsewhere.port}/x` }).end();
    });
    const access = webhookMediaAccess(mediaProvider([]), account, { extraHosts: ['127.0.0.1'] }) as WebhookMediaAccess;
    const result = await download(access, `http://127.0.0.1:${api.port}/Media/ME1`);
    expect(result.refused).toContain('localhost is not a media host of test');
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('sends the credentials again after a redirect within the same origin', async () => {
    const api = await serve((url, res) => {
      if (url === '/first') res.writeHead(302, { location: '/second' }).end();
      else res.end('ok');
    });
    const access = webhookMediaAccess(mediaProvider([]), account, { extraHosts: ['127.0.0.1'] }) as WebhookMediaAccess;
    expect(await download(access, `http://127.0.0.1:${api.port}/first`)).toEqual({ bytes: 'ok' });
    expect(api.seen.map((r) => r.headers.authorization)).toEqual([credentials, credentials]);
  });
});
