/**
 * Issue 16, item 15: a made-up provider's webhook fixture could only be signed with openssl, and
 * a fixture whose signature failed did not show the string that was signed. `webhook --sign`
 * signs a request as the provider file says; `switchboard test` shows the signed string (secrets
 * masked) for a fixture that should verify and does not.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

interface Fixture {
  account: Record<string, string>;
  request: { headers: Record<string, string>; body: string; url: string; method: string };
  [key: string]: unknown;
}
const read = async (name: string) =>
  JSON.parse(await readFile(`providers/fixtures/twilio/webhooks/${name}.json`, 'utf8')) as Fixture;
/** The fixture's request with its signature header (whatever its case) set to `value`. */
const withSignature = (f: Fixture, value: string) => {
  const key = Object.keys(f.request.headers).find((k) => k.toLowerCase() === 'x-twilio-signature') ?? '';
  return {
    request: { ...f.request, headers: { ...f.request.headers, [key]: value } },
    key,
    real: f.request.headers[key],
  };
};

describe('signing a webhook request', () => {
  it('signs a request with webhook --sign so that webhook verifies it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-sign-'));
    const f = await read('inbound-with-media');
    const { request: unsigned, real } = withSignature(f, 'made-up');
    await writeFile(join(dir, 'account.json'), JSON.stringify({ provider: 'twilio', ...f.account }));
    await writeFile(join(dir, 'unsigned.json'), JSON.stringify(unsigned));
    const account = join(dir, 'account.json');
    const signed = await run('webhook', '--account', account, '--request', join(dir, 'unsigned.json'), '--sign');
    expect(signed.code).toBe(0);
    expect(signed.err).toContain('Signed string: "https://');
    expect(JSON.parse(signed.out)).toMatchObject({ headers: { 'X-Twilio-Signature': real } });
    await writeFile(join(dir, 'signed.json'), signed.out);
    expect((await run('webhook', '--account', account, '--request', join(dir, 'signed.json'))).code).toBe(0);
  });

  it('shows the signed string, secret masked, for a fixture that should verify and does not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-sign-'));
    await cp('providers/twilio.json', join(dir, 'twilio.json'));
    await cp('providers/fixtures/twilio', join(dir, 'fixtures/twilio'), { recursive: true });
    const f = await read('inbound-with-media');
    const broken = { ...f, request: withSignature(f, 'AAAA').request };
    await writeFile(join(dir, 'fixtures/twilio/webhooks/inbound-with-media.json'), JSON.stringify(broken));
    const { code, out } = await run('test', join(dir, 'twilio.json'));
    expect(code).toBe(1);
    expect(out).toContain('signed string');
    expect(out).toContain('https://');
    expect(out).not.toContain(f.account.password as string);
  });
});
