/**
 * Property tests: any Unicode text (emoji, quotes, &, %, +, =, newlines) that a provider encodes in
 * its own format, signed by the provider's own SDK where it has one, comes out of the receiver
 * exactly as the sender typed it. And our verification agrees with the SDK's on random requests.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import fc from 'fast-check';
import twilio from 'twilio';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { loadProvider } from '../../src/config/load-provider.js';
import { createWebhookReceiver } from '../../src/webhook/receiver.js';

const tricky = fc.constantFrom('&', '%', '%20', '+', '=', '"', "'", '\n', '\r\n', '🎉', '👩‍👩‍👧', 'é', '\\', '<', '?', '#');
const text = fc
  .array(fc.oneof(tricky, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), { maxLength: 6 })
  .map((parts) => parts.join(''));

async function receiverOf(id: string, values: Record<string, string>, now?: number) {
  const provider = await loadProvider(id);
  const account = accountFromValue({ provider: id, ...values }, 'account', undefined);
  return createWebhookReceiver({ provider, account, options: now === undefined ? {} : { now: () => now } });
}

describe('Unicode texts round-trip through each provider format', () => {
  it('Twilio: a form body signed by the twilio SDK reads back the exact text', async () => {
    const token = 'tok';
    const receiver = await receiverOf('twilio', { username: 'AC1', password: token, from: '+15557122661' });
    const url = 'https://hooks.example.com/twilio/inbound';
    fc.assert(
      fc.property(text, (body) => {
        const params = { From: '+15558675310', To: '+15557122661', Body: body, MessageSid: 'SM1', NumMedia: '0' };
        const signature = twilio.getExpectedTwilioSignature(token, url, params);
        const request = {
          method: 'POST',
          url,
          headers: { 'x-twilio-signature': signature, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(params).toString(),
        };
        const result = receiver.receive(request, 'inbound');
        expect(result.ok && result.events[0]?.type === 'inbound' && result.events[0].text).toBe(body);
      }),
      { numRuns: 200 },
    );
  });

  it('Telnyx: a JSON event signed with Ed25519 reads back the exact text, and the telnyx SDK agrees it is valid', async () => {
    const privateKey = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]),
      format: 'der',
      type: 'pkcs8',
    });
    const x = createPublicKey(privateKey).export({ format: 'jwk' }).x as string;
    const publicKey = Buffer.from(x, 'base64url').toString('base64');
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    const receiver = await receiverOf(
      'telnyx',
      { password: 'KEY', from: '+18445550001', webhookPublicKey: publicKey },
      now,
    );
    const sdk = new TelnyxWebhook(publicKey);
    await fc.assert(
      fc.asyncProperty(text, async (body) => {
        const event = {
          data: {
            event_type: 'message.received',
            id: 'e1',
            payload: {
              id: 'm1',
              text: body,
              from: { phone_number: '+13125550002' },
              to: [{ phone_number: '+18445550001' }],
            },
          },
        };
        const raw = JSON.stringify(event);
        const headers = {
          'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${raw}`), privateKey).toString('base64'),
          'telnyx-timestamp': ts,
        };
        await sdk.verify(raw, headers);
        const result = receiver.receive({ method: 'POST', url: 'https://h.example.com/t', headers, body: raw });
        expect(result.ok && result.events[0]?.type === 'inbound' && result.events[0].text).toBe(body);
      }),
      { numRuns: 100 },
    );
  });

  it('Bandwidth: a JSON array of events reads back every exact text, in order', async () => {
    const receiver = await receiverOf('bandwidth', {
      username: 'u',
      password: 'p',
      accountId: '1',
      applicationId: 'a',
      from: '+19195551212',
      webhookUsername: 'cb',
      webhookPassword: 'pw',
    });
    const authorization = `Basic ${Buffer.from('cb:pw').toString('base64')}`;
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (texts) => {
        const events = texts.map((t, i) => ({
          type: 'message-received',
          to: '+19195551212',
          message: { id: `m${i}`, from: '+19195554444', text: t },
        }));
        const result = receiver.receive({
          method: 'POST',
          url: 'https://h.example.com/b',
          headers: { authorization },
          body: JSON.stringify(events),
        });
        expect(result.ok && result.events.map((e) => (e.type === 'inbound' ? e.text : undefined))).toEqual(texts);
      }),
      { numRuns: 100 },
    );
  });
});

describe('our Twilio verification agrees with the twilio SDK', () => {
  const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
  const url = fc.constantFrom(
    'https://hooks.example.com/t',
    'https://hooks.example.com:443/t?a=1&b=%27x%27',
    'https://hooks.example.com/t?q=it%27s+ok',
    'http://localhost:8080/t?x=1',
  );

  it('accepts exactly what validateRequest accepts, for random pairs, URLs and tokens', async () => {
    const receiver = await receiverOf('twilio', { username: 'AC1', password: 'right', from: '+15557122661' });
    fc.assert(
      fc.property(
        fc.dictionary(key, text, { maxKeys: 6 }),
        url,
        fc.constantFrom('right', 'wrong'),
        (params, at, token) => {
          const all = { ...params, From: '+15558675310', To: '+15557122661', MessageSid: 'SM1' };
          const signature = twilio.getExpectedTwilioSignature(token, at, all);
          const request = {
            method: 'POST',
            url: at,
            headers: { 'x-twilio-signature': signature, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(all).toString(),
          };
          expect(receiver.receive(request, 'inbound').ok).toBe(twilio.validateRequest('right', signature, at, all));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('accepts a signature over the URL with the default port when the request came without it, and the JSON bodySHA256 variant', async () => {
    const receiver = await receiverOf('twilio', { username: 'AC1', password: 'right', from: '+15557122661' });
    const params = { From: '+15558675310', To: '+15557122661', MessageSid: 'SM1', Body: 'hi' };
    const signature = twilio.getExpectedTwilioSignature('right', 'https://hooks.example.com:443/t', params);
    const form = { 'x-twilio-signature': signature, 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(params).toString();
    expect(
      receiver.receive({ method: 'POST', url: 'https://hooks.example.com/t', headers: form, body }, 'inbound').ok,
    ).toBe(true);

    const json = JSON.stringify({ From: '+15558675310', To: '+15557122661', MessageSid: 'SM1' });
    const hashUrl = `https://hooks.example.com/t?bodySHA256=${twilio.getExpectedBodyHash(json)}`;
    const jsonSig = twilio.getExpectedTwilioSignature('right', hashUrl, {});
    expect(twilio.validateRequestWithBody('right', jsonSig, hashUrl, json)).toBe(true);
    const endpoint = (await loadProvider('twilio')).definition.webhooks?.endpoints.inbound;
    expect(endpoint?.verify).toMatchObject({ bodyHash: { query: 'bodySHA256' } });
    const headers = { 'x-twilio-signature': jsonSig, 'content-type': 'application/json' };
    const verified = receiver.receive({ method: 'POST', url: hashUrl, headers, body: json }, 'inbound');
    // The signature and body hash hold; Twilio's inbound endpoint reads form, so the JSON body is then malformed for it.
    expect(verified).toMatchObject({ ok: false, code: 'WEBHOOK_MALFORMED' });
    const changed = receiver.receive(
      { method: 'POST', url: hashUrl, headers, body: json.replace('SM1', 'SM2') },
      'inbound',
    );
    expect(changed).toMatchObject({
      ok: false,
      code: 'WEBHOOK_UNVERIFIED',
      reason: 'the body does not match bodySHA256 in the signed URL',
    });
  });
});
