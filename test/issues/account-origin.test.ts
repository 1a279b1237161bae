/**
 * Issue 16 item 9: `serve` could not be pointed at a test server without copying a provider file.
 * An account's `origin` replaces scheme, host and port of its provider's URLs, in every command
 * and in the gateway, as `send --origin` does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { run } from '../helpers/cli.js';
import {
  appFromXml,
  serveProcess,
  setPublicUrl,
  twilioAnswer,
  writeTwilioGateway,
  type ServedGateway,
} from '../helpers/gateway.js';

const ALICE = { login: 'alice', password: 'origin-password-0123', numbers: ['+15550100001'] };
let twilio: RecordingServer | undefined;
let served: ServedGateway | undefined;
afterEach(async () => {
  served?.child.kill('SIGTERM');
  served = undefined;
  await twilio?.close();
});

/** A Twilio gateway whose account file says `origin`: the catalogue's twilio.json, not a copy. */
async function gatewayWithOrigin() {
  const answer = twilioAnswer();
  twilio = await startRecordingServer(() => answer());
  const { dir, file } = await writeTwilioGateway([ALICE], 'http://127.0.0.1:8080');
  const account = join(dir, 'twilio.json');
  const values = JSON.parse(await readFile(account, 'utf8')) as Record<string, unknown>;
  expect(values.provider).toBe('twilio');
  await writeFile(account, JSON.stringify({ ...values, origin: twilio.origin }));
  return { file, account, twilio };
}

describe("an account's origin", () => {
  it('points `send` at a test server', async () => {
    const { account, twilio } = await gatewayWithOrigin();
    const sent = await run('send', '--account', account, '--to', '+15551231234', '--body', 'hi', '--json');
    expect(sent.code).toBe(0);
    expect(twilio.requests.map((r) => r.url)).toEqual([
      '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json',
    ]);
  });

  it('points `serve` at a test server, with no provider file copied', async () => {
    const { file, twilio } = await gatewayWithOrigin();
    served = await serveProcess(file);
    await setPublicUrl(file, served.url);
    const printed = await run('gateway', 'account-xml', '--config', file, '--user', 'alice');
    const phone = appFromXml(printed.out, ALICE.password, 'install-phone');
    try {
      const [result] = await phone.sendMessage({ to: '+15551231234', body: 'through the gateway' });
      expect(result?.ok).toBe(true);
    } finally {
      await phone.close();
    }
    expect(twilio.requests).toHaveLength(1);
    expect(new URLSearchParams(twilio.requests[0]?.body).get('Body')).toBe('through the gateway');
  }, 30_000);
});
