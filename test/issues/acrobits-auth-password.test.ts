/**
 * Issue 9, item 10: an Acrobits `genericSmsAuthPassword` skipped the plain-http rule, was expanded
 * as a template (`pa%sms_to%ss` went out with the number inside, then no longer masked), and a
 * ConfigError could quote part of it. Secrets are decided by declaration (one table of Acrobits
 * keys), not by the look of a key's name: `pushTokenReporterUrl` is no secret.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { createConnector } from '../../src/connector/connector.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { run } from '../helpers/cli.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const account = (values: Record<string, string>) =>
  accountFromValue({ username: 'johndow', password: 'sip-password', ...values }, 'acct.json', undefined);

describe('Acrobits AuthPassword', () => {
  it('refuses a literal AuthPassword bound for plain http to a remote host', () => {
    expect(() =>
      createConnector({
        account: account({
          genericSmsSendUrl: 'http://sms.example.com/send?to=%sms_to%',
          genericSmsAuthPassword: 'literal-s3cret',
        }),
      }),
    ).toThrow(/secret would be sent over plain http to sms.example.com/);
  });

  it('sends the password as written, placeholders and all, and masks it', async () => {
    const server = await startRecordingServer((req) =>
      String(req.headers.authorization ?? '').startsWith('Basic ')
        ? { status: 200 }
        : { status: 401, headers: { 'www-authenticate': 'Basic realm="sms"' } },
    );
    servers.push(server);
    const sb = createConnector({
      account: account({
        genericSmsSendUrl: 'https://x/send?to=%sms_to%',
        genericSmsAuthUsername: 'johndow',
        genericSmsAuthPassword: 'pa%sms_to%ss',
      }),
      origin: server.origin,
    });
    const [result] = await sb.sendMessage({ to: '+15551231234', body: 'x' });
    const masked = JSON.stringify(sb.render('sendMessage', { sms_to: '+15551231234', sms_body: 'x' }));
    await sb.close();
    expect(result?.ok).toBe(true);
    const sent = String(server.requests[1]?.headers.authorization).slice('Basic '.length);
    expect(Buffer.from(sent, 'base64').toString()).toBe('johndow:pa%sms_to%ss');
    expect(masked).not.toContain('pa%sms_to%ss');
    expect(masked).not.toContain('pa+15551231234ss');
    expect(masked).toContain('"password":"****"');
  });

  it('loads an AuthPassword that looks like a template without quoting it in an error', () => {
    expect(() =>
      account({ genericSmsSendUrl: 'https://x/send?to=%sms_to%', genericSmsAuthPassword: 'pa%nosuch%ss' }),
    ).not.toThrow();
  });

  it('still reads the account key an AuthPassword names, and treats that key as secret', () => {
    const sb = createConnector({
      account: account({
        genericSmsSendUrl: 'https://x/send?to=%sms_to%&p=%account[apiKey]%',
        genericSmsAuthPassword: '%account[apiKey]%',
        apiKey: 'k-0123456789',
      }),
    });
    const masked = sb.render('sendMessage', { sms_to: '+15551231234', sms_body: 'x' });
    expect(masked.url).toBe('https://x/send?to=%2B15551231234&p=****');
    expect(masked.challengeAuth?.password).toBe('****');
    expect(
      sb.render('sendMessage', { sms_to: '+1', sms_body: 'x' }, { showSecrets: true }).challengeAuth?.password,
    ).toBe('k-0123456789');
  });
});

describe('secrets by declaration', () => {
  it('does not mask pushTokenReporterUrl, and masks the declared keys, in acrobits import', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-issue9-'));
    const xml = join(dir, 'a.xml');
    await writeFile(
      xml,
      '<account><username>johndow</username><password>sip-pass</password><genericSmsSendUrl>https://x/send?to=%sms_to%</genericSmsSendUrl><genericSmsAuthPassword>pa%sms_to%ss</genericSmsAuthPassword><pushTokenReporterUrl>https://x/token</pushTokenReporterUrl><tokenLabel>my token</tokenLabel></account>',
    );
    const { code, out } = await run('acrobits', 'import', xml);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      password: '****',
      genericSmsAuthPassword: '****',
      pushTokenReporterUrl: 'https://x/token',
      tokenLabel: 'my token',
    });
  });

  it('does not mask a value because its key name contains "token"', () => {
    const sb = createConnector({
      account: account({ genericSmsSendUrl: 'https://x/send?to=%sms_to%&l=%account[tokenLabel]%', tokenLabel: 'blue' }),
    });
    expect(sb.render('sendMessage', { sms_to: '+15551231234', sms_body: 'x' }).url).toBe(
      'https://x/send?to=%2B15551231234&l=blue',
    );
  });
});
