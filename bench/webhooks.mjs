#!/usr/bin/env node
/**
 * Webhook bench (`npm run bench:webhooks`): the cost of verifying and reading one webhook with
 * receiveWebhook, as a ratio to the bare cryptographic check on the same bytes in the same run,
 * and events per second. Three cases:
 *   1. a Twilio inbound message (form, HMAC-SHA1 over URL + sorted pairs); bare: one createHmac
 *      over the signed string built once, and a timingSafeEqual;
 *   2. a Telnyx inbound event (JSON, Ed25519 over timestamp|body); bare: one crypto.verify;
 *   3. a Bandwidth callback holding 100 events (JSON array, Basic credentials); bare: the Basic
 *      comparison, and, as the floor any handler pays, that plus JSON.parse of the body.
 * Two baselines, both printed: "bare", the cryptographic check alone on bytes prepared beforehand
 * (the signed string, the message, the header); and "floor", the least any handler must do with
 * the request as it arrives: for Twilio parse the form and build the signed string from the sorted
 * pairs before the HMAC (the scheme signs decoded pairs, so no verifier can skip that); for Telnyx
 * the verify and JSON.parse; for Bandwidth the Basic comparison and JSON.parse (a Basic check alone
 * costs almost nothing, so a ratio to it measures only the reading). Target: lib <= 3x the floor.
 * No network; single process. `--strict` exits 1 on a miss.
 */
import { createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { accountFromValue, loadProvider, receiveWebhook } from '../dist/index.js';

const strict = process.argv.includes('--strict');
const ROUNDS = 7;

/** Median ns per call of `fn` over rounds of `n` calls, after a warm-up. */
function time(fn, n) {
  for (let i = 0; i < Math.min(n, 2000); i++) fn();
  const samples = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    samples.push(((performance.now() - start) * 1e6) / n);
  }
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

function must(result, events) {
  if (!result.ok || result.events.length !== events)
    throw new Error(`bench request not read: ${JSON.stringify(result)}`);
}

async function twilioCase() {
  const provider = await loadProvider('twilio');
  const account = accountFromValue(
    { provider: 'twilio', username: 'AC1', password: 'token', from: '+15557122661' },
    'bench',
    undefined,
  );
  const url = 'https://hooks.example.com/twilio/inbound';
  const params = {
    AccountSid: 'AC1',
    Body: 'Hello from the bench 🎉 & more',
    From: '+15558675310',
    MessageSid: 'SM1',
    NumMedia: '0',
    NumSegments: '1',
    To: '+15557122661',
    ToCountry: 'US',
    FromCountry: 'US',
    ApiVersion: '2010-04-01',
  };
  const signed =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  const signature = createHmac('sha1', 'token').update(signed).digest('base64');
  const request = {
    method: 'POST',
    url,
    headers: { 'x-twilio-signature': signature, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  };
  must(receiveWebhook({ provider, account, request, endpoint: 'inbound' }), 1);
  const expected = Buffer.from(signature, 'base64');
  return {
    name: 'Twilio inbound (form, HMAC-SHA1)',
    events: 1,
    bare: () => timingSafeEqual(createHmac('sha1', 'token').update(signed).digest(), expected),
    floorName: 'form parse + sorted pairs + HMAC',
    floor: () => {
      const form = new URLSearchParams(request.body);
      const keys = [...new Set(form.keys())].sort();
      let data = url;
      for (const k of keys) data += k + form.get(k);
      return timingSafeEqual(createHmac('sha1', 'token').update(data).digest(), expected);
    },
    lib: () => receiveWebhook({ provider, account, request, endpoint: 'inbound' }),
  };
}

async function telnyxCase() {
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 3)]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const webhookPublicKey = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('base64');
  const provider = await loadProvider('telnyx');
  const account = accountFromValue(
    { provider: 'telnyx', password: 'KEY', from: '+18445550001', webhookPublicKey },
    'bench',
    undefined,
  );
  const ts = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({
    data: {
      event_type: 'message.received',
      id: 'e1',
      occurred_at: new Date().toISOString(),
      payload: {
        id: 'm1',
        direction: 'inbound',
        text: 'Hello from the bench 🎉',
        from: { phone_number: '+13125550002', carrier: 'T-Mobile' },
        to: [{ phone_number: '+18445550001', status: 'webhook_delivered' }],
        media: [],
        received_at: new Date().toISOString(),
      },
      record_type: 'event',
    },
    meta: { attempt: 1 },
  });
  const message = Buffer.from(`${ts}|${body}`);
  const signature = sign(null, message, privateKey);
  const request = {
    method: 'POST',
    url: 'https://hooks.example.com/telnyx',
    headers: { 'telnyx-signature-ed25519': signature.toString('base64'), 'telnyx-timestamp': ts },
    body,
  };
  must(receiveWebhook({ provider, account, request }), 1);
  return {
    name: 'Telnyx inbound (JSON, Ed25519)',
    events: 1,
    bare: () => verify(null, Buffer.from(`${ts}|${body}`), publicKey, signature),
    floorName: 'Ed25519 verify + JSON.parse',
    floor: () => verify(null, Buffer.from(`${ts}|${body}`), publicKey, signature) && JSON.parse(body) !== null,
    lib: () => receiveWebhook({ provider, account, request }),
  };
}

async function bandwidthCase() {
  const provider = await loadProvider('bandwidth');
  const values = {
    provider: 'bandwidth',
    username: 'u',
    password: 'p',
    accountId: '1',
    applicationId: 'a',
    from: '+19195551212',
    webhookUsername: 'cb',
    webhookPassword: 'pw',
  };
  const account = accountFromValue(values, 'bench', undefined);
  const events = Array.from({ length: 100 }, (_, i) =>
    i % 2 === 0
      ? {
          type: 'message-received',
          time: '2026-01-01T00:00:00.000Z',
          to: '+19195551212',
          message: { id: `in${i}`, from: '+19195554444', to: ['+19195551212'], text: `Hello ${i} 🎉`, media: [] },
        }
      : {
          type: 'message-delivered',
          time: '2026-01-01T00:00:01.000Z',
          to: '+19195554444',
          description: 'ok',
          message: { id: `out${i}`, tag: `msg-${i}` },
        },
  );
  const body = JSON.stringify(events);
  const authorization = `Basic ${Buffer.from('cb:pw').toString('base64')}`;
  const request = {
    method: 'POST',
    url: 'https://hooks.example.com/bandwidth',
    headers: { authorization, 'content-type': 'application/json' },
    body,
  };
  must(receiveWebhook({ provider, account, request }), 100);
  const expected = Buffer.from(authorization);
  const bare = () => timingSafeEqual(Buffer.from(request.headers.authorization), expected);
  return {
    name: 'Bandwidth 100 events (JSON array, Basic)',
    events: 100,
    bare,
    floorName: 'Basic check + JSON.parse',
    floor: () => bare() && JSON.parse(body).length === 100,
    lib: () => receiveWebhook({ provider, account, request }),
  };
}

let missed = false;
console.log('case                                      bare ns  floor ns    lib ns  lib/bare lib/floor   events/s');
for (const c of [await twilioCase(), await telnyxCase(), await bandwidthCase()]) {
  const n = c.events > 1 ? 2000 : 20000;
  const bare = time(c.bare, n);
  const floor = time(c.floor, n);
  const lib = time(c.lib, n);
  const perSecond = (c.events * 1e9) / lib;
  const cells = [bare, floor, lib].map((v) => v.toFixed(0).padStart(9));
  const ratios = [lib / bare, lib / floor].map((v) => v.toFixed(2).padStart(9));
  console.log(`${c.name.padEnd(40)} ${cells.join(' ')} ${ratios.join(' ')} ${perSecond.toFixed(0).padStart(10)}`);
  console.log(`  floor: ${c.floorName}`);
  if (lib / floor > 3) missed = true;
}
console.log(
  '\ntarget: lib/floor <= 3 (the floor is the least a handler does with the same bytes; bare is the crypto alone).',
);
if (strict && missed) process.exit(1);
