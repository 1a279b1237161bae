/** The Acrobits commands as a user meets them. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import type { RecordingServer } from '../../src/fixtures/recording-server.js';
import { startAcrobitsServer } from '../helpers/acrobits-server.js';

const xml = fileURLToPath(new URL('../fixtures/acrobits-account.xml', import.meta.url));

let server: RecordingServer;
beforeAll(async () => {
  server = await startAcrobitsServer();
});
afterAll(async () => {
  await server.close();
});

describe('Acrobits commands', () => {
  it('fetches messages and lists them oldest first', async () => {
    const { code, out } = await run('fetch', '--account', xml, '--origin', server.origin);
    expect(code).toBe(0);
    expect(out).toBe(
      [
        '2 received, 1 sent (server time 2015-03-15T01:00:00.000Z)',
        '  2015-03-14T23:50:00.000Z  from +15559876543  "Second"  (id 102)',
        '  2015-03-15T00:46:17.000Z  from +15551231234  "Hello & \\"welcome\\" 🎉"  (id 101)',
        '  2015-03-15T00:47:00.000Z  to +15551231234  "Reply"  (id 201)',
      ].join('\n'),
    );
  });

  it('checks the balance and rates, as text and as JSON', async () => {
    expect((await run('balance', '--account', xml, '--origin', server.origin)).out).toBe('Balance: $60.20 (60.2 USD)');
    const rate = await run('rate', '+1 555 123 1234', '--account', xml, '--origin', server.origin);
    expect(rate.out).toBe(
      'Call           United States = EUR 0.0044 / min\nMessage        EUR 0.01 / message\nSmart call     free\nSmart message  free',
    );
    const json = JSON.parse((await run('balance', '--account', xml, '--origin', server.origin, '--json')).out);
    expect(json).toMatchObject({
      ok: true,
      status: 200,
      data: { balanceString: '$60.20', balance: 60.2, currency: 'USD' },
    });
  });

  it('reports push tokens, and asks for the ones missing', async () => {
    const ok = await run(
      'push-token',
      '--account',
      xml,
      '--origin',
      server.origin,
      '--selector',
      'abc:1',
      '--token',
      't0k',
      '--appid',
      'com.example',
    );
    expect(ok).toMatchObject({ code: 0, out: '✓ push tokens reported (HTTP 200)' });
    expect(await run('push-token', '--account', xml, '--selector', 'abc:1')).toMatchObject({
      code: 2,
      err: 'Error: give --token',
    });
  });

  it('exits 1 when the service fails, with the provider’s words', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-'));
    const account = join(dir, 'a.json');
    await writeFile(
      account,
      JSON.stringify({
        username: 'nobody',
        genericSmsSendUrl: 'https://x/send_message/?to=%sms_to%',
        genericBalanceCheckUrl: 'https://x/balance/?username=%account[username]%',
      }),
    );
    expect(await run('balance', '--account', account, '--origin', server.origin)).toMatchObject({
      code: 1,
      out: '✗ Unknown user (HTTP 403, PROVIDER_ERROR)',
    });
  });

  it('imports Account XML as a JSON account that works the same, and exports it back', async () => {
    const masked = await run('acrobits', 'import', xml);
    expect(JSON.parse(masked.out).password).toBe('****');
    expect(masked.err).toBe('(secrets written as ****; add --show-secrets for a document you can use)');
    const imported = await run('acrobits', 'import', xml, '--show-secrets');
    expect(imported.code).toBe(0);
    const json = JSON.parse(imported.out);
    expect(json).toMatchObject({
      title: 'Example SMS',
      genericSmsSendUrl: 'https://sms.example.com/send_message/',
      rewriting: [{ conditions: [{ type: 'startsWith', param: '00' }], actions: [{ type: 'replace', param: '+' }] }],
    });
    const dir = await mkdtemp(join(tmpdir(), 'sb-'));
    const file = join(dir, 'account.json');
    await writeFile(file, imported.out);
    expect((await run('balance', '--account', file, '--origin', server.origin)).out).toBe('Balance: $60.20 (60.2 USD)');
    const exported = await run('acrobits', 'export', '--account', file, '--show-secrets');
    expect(exported.code).toBe(0);
    expect(exported.out).toContain('<password>12345678</password>');
    expect(exported.out).toContain('<genericSmsSendUrl>https://sms.example.com/send_message/</genericSmsSendUrl>');
    expect(exported.out).toContain(
      '<pushTokenReporterCustomHeaders>X-App: %appid%\\nX-Install: %installid%</pushTokenReporterCustomHeaders>',
    );
  });

  it('exports a provider account, saying on stderr what the apps cannot do, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-'));
    const file = join(dir, 'twilio.json');
    await writeFile(
      file,
      JSON.stringify({
        provider: 'twilio',
        username: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        password: 'token',
        from: '+15557122661',
      }),
    );
    const { code, out, err } = await run('acrobits', 'export', '--account', file);
    expect(code).toBe(1);
    expect(out).toContain(
      '<genericSmsPostData>To=%sms_to%&amp;From=%account[from]%&amp;Body=%sms_body%</genericSmsPostData>',
    );
    expect(out).toContain('<password>****</password>');
    expect(out).toContain('<genericSmsAuthPassword>%account[password]%</genericSmsAuthPassword>');
    expect(err).toMatch(
      /^\(secrets written as \*\*\*\*; add --show-secrets for a document you can use\)\nNot expressible in Account XML \(the apps will behave differently\):\n {2}- sendMessage: the provider expects HTTP Basic/,
    );
  });
});
