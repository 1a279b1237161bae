/** `switchboard webhook`: a recorded request verified and read, exit 0; refused, exit 1; bad usage, exit 2. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const fixture = async (id: string, name: string) =>
  JSON.parse(await readFile(`providers/fixtures/${id}/webhooks/${name}.json`, 'utf8')) as {
    account: Record<string, string>;
    request: object;
    now?: string;
  };

async function files(id: string, name: string) {
  const dir = await mkdtemp(join(tmpdir(), 'sb-webhook-'));
  const f = await fixture(id, name);
  const account = join(dir, 'account.json');
  const request = join(dir, 'request.json');
  await writeFile(account, JSON.stringify({ provider: id, ...f.account }));
  await writeFile(request, JSON.stringify(f.request));
  return { account, request, now: f.now };
}

describe('switchboard webhook', () => {
  it('prints the events of a verified request and exits 0', async () => {
    const { account, request } = await files('twilio', 'inbound-with-media');
    const { code, out } = await run('webhook', '--account', account, '--request', request);
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Verified (endpoint inbound): 1 event
        inbound SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d from +15558675310 to +15557122661, 1 attachment: "Tom & Jerry: 50% off \\"today\\"\\nà bientôt 🎉 +1=2?"
      Answer: 200 text/xml <?xml version="1.0" encoding="UTF-8"?><Response/>"
    `);
  });

  it('prints the whole result with --json (issue 16, item 15), checking timestamps against --now', async () => {
    const { account, request, now } = await files('telnyx', 'status-finalized');
    const { code, out } = await run(
      'webhook',
      '--account',
      account,
      '--request',
      request,
      '--now',
      now ?? '',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      ok: true,
      endpoint: expect.any(String),
      events: [{ type: 'status', status: 'delivered', messageId: 'msg-0002' }],
      ignored: [],
      answer: { status: expect.any(Number) },
    });
  });

  it('prints a refused request as JSON with --json too: ok false, code, reason and answer', async () => {
    const { account, request } = await files('twilio', 'tampered-body');
    const { code, out } = await run('webhook', '--account', account, '--request', request, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'WEBHOOK_UNVERIFIED', answer: { status: 403 } });
  });

  it('exits 1 with the reason for a request that is not verified, without printing the secret', async () => {
    const { account, request } = await files('twilio', 'tampered-body');
    const { code, err } = await run('webhook', '--account', account, '--request', request);
    expect(code).toBe(1);
    expect(err).toBe('Not verified: WEBHOOK_UNVERIFIED: X-Twilio-Signature does not match the request (answer 403)');
    expect(err).not.toContain('12345abcdef67890');
  });

  it('exits 1 for a stale request without --now (the clock is far past the fixture)', async () => {
    const { account, request } = await files('telnyx', 'inbound-with-media');
    expect((await run('webhook', '--account', account, '--request', request)).code).toBe(1);
  });

  it('exits 2 for a request file that is not a request, and for an account without the webhook secret', async () => {
    const { account } = await files('bandwidth', 'inbound');
    const dir = await mkdtemp(join(tmpdir(), 'sb-webhook-'));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"method": "POST"}');
    expect(await run('webhook', '--account', account, '--request', bad)).toMatchObject({
      code: 2,
      err: expect.stringContaining('must be {"method": string, "url": string'),
    });
    const plain = join(dir, 'plain.json');
    await writeFile(
      plain,
      JSON.stringify({
        provider: 'bandwidth',
        username: 'u',
        password: 'p',
        accountId: '1',
        applicationId: 'a',
        from: '+19195551212',
      }),
    );
    const { request } = await files('bandwidth', 'inbound');
    expect(await run('webhook', '--account', plain, '--request', request)).toMatchObject({
      code: 2,
      err: expect.stringContaining('an endpoint is never accepted unauthenticated'),
    });
  });

  it('validate recognises a webhook fixture and reports where it is wrong', async () => {
    const good = await run('validate', 'providers/fixtures/twilio/webhooks/inbound-with-media.json');
    expect(good).toMatchObject({ code: 0, out: expect.stringContaining('valid webhook fixture') });
    const dir = await mkdtemp(join(tmpdir(), 'sb-webhook-'));
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        description: 'x',
        account: {},
        request: { method: 'POST', url: 'u', headers: {}, body: '' },
        expect: { ok: 'yes' },
      }),
    );
    const result = await run('validate', bad);
    expect(result.code).toBe(2);
    expect(result.out).toContain('#/expect/ok: must be boolean');
  });
});

describe('switchboard send --status-callback', () => {
  it('sends each message with the callback URL carrying its id, and refuses one that is not a URL', async () => {
    const { startRecordingServer } = await import('../../src/fixtures/recording-server.js');
    const s = await startRecordingServer(() => ({ status: 201, body: '{"sid":"SM1"}' }));
    try {
      const dir = await mkdtemp(join(tmpdir(), 'sb-callback-'));
      const account = join(dir, 'account.json');
      await writeFile(
        account,
        JSON.stringify({ provider: 'twilio', username: 'AC1', password: 'token', from: '+15557122661' }),
      );
      const base = ['send', '--account', account, '--to', '+13125550002', '--body', 'hi', '--origin', s.origin];
      const sent = await run(...base, '--status-callback', 'https://gw.example.com/hooks/twilio-main/status');
      expect(sent.code).toBe(0);
      const callback = new URLSearchParams(s.requests[0]?.body).get('StatusCallback') ?? '';
      expect(callback).toMatch(/^https:\/\/gw\.example\.com\/hooks\/twilio-main\/status\?sb=[0-9a-f-]{36}$/);
      const bad = await run(...base, '--status-callback', 'gw.example.com/status');
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('statusCallback must be a URL');
      expect(s.requests).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
