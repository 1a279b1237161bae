/** The rawBodyHash piece of a signed message: the body's digest as raw bytes (Bird's scheme). */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import { ConfigError } from '../../src/errors.js';
import type { ProviderFile } from '../../src/generated/provider.js';
import { createWebhookReceiver } from '../../src/webhook/receiver.js';

function file(hash: string): ProviderFile {
  return {
    id: 'hashed',
    name: 'Hashed',
    docs: 'https://example.com/docs',
    parameters: { key: { description: 'signing key', required: false, secret: true } },
    services: { sendMessage: { url: 'https://example.com/send', body: { to: '%sms_to%', text: '%sms_body%' } } },
    webhooks: {
      endpoints: {
        events: {
          verify: {
            type: 'hmac',
            algorithm: 'sha256',
            key: '%account[key]%',
            message: [{ from: 'url' }, { from: 'literal', value: '\n' }, { from: 'rawBodyHash', name: hash }],
            signature: { from: 'header', name: 'x-signature', encoding: 'base64' },
          },
          read: {
            format: 'json',
            event: {
              kind: 'status',
              providerMessageId: { json: '/id' },
              status: { json: '/s' },
              statuses: { ok: 'delivered' },
            },
          },
          answer: { status: 200 },
        },
      },
    },
  };
}

describe('the rawBodyHash piece', () => {
  it('signs the digest of the body bytes, not its hex, so bytes outside ASCII in the digest are kept', () => {
    const receiver = createWebhookReceiver({
      provider: providerFromValue(file('sha512'), 'hashed.json'),
      account: accountFromValue({ provider: 'hashed.json', key: 'k3y' }, 'a.json', undefined),
    });
    const url = 'https://hooks.example.com/e?x=1';
    const body = '{"id":"m1","s":"ok","t":"é"}';
    const digest = createHash('sha512').update(body, 'utf8').digest();
    const signature = createHmac('sha256', 'k3y')
      .update(Buffer.concat([Buffer.from(`${url}\n`), digest]))
      .digest('base64');
    const hexSigned = createHmac('sha256', 'k3y')
      .update(`${url}\n${digest.toString('hex')}`)
      .digest('base64');
    const receive = (sig: string, b = body) =>
      receiver.receive({ method: 'POST', url, headers: { 'x-signature': sig }, body: b }, 'events');
    expect(receive(signature).ok).toBe(true);
    expect(receive(hexSigned).ok).toBe(false);
    expect(receive(signature, body.replace('ok', 'ko')).ok).toBe(false);
  });

  it('refuses at load a hash it does not know', () => {
    expect(() => providerFromValue(file('md4'), 'hashed.json')).toThrow(ConfigError);
    expect(() => providerFromValue(file('md4'), 'hashed.json')).toThrow(/message\/2\/name: is not a hash for the body/);
  });
});
