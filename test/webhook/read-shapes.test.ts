/**
 * Shapes of webhook bodies beyond one flat event: a fan-out nested inside another (a status per
 * recipient listed under each status of a batch report), and one flat set of parameters that a
 * provider sends as a GET query, a form body or a JSON object as configured.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { providerFromValue } from '../../src/config/load-provider.js';
import type { HmacRecipe, WebhookEndpoint } from '../../src/generated/provider.js';
import { providerWith, receiverFor } from '../helpers/webhooks.js';

const url = 'https://hooks.example.com/acme/status';
const batchVerify: HmacRecipe = {
  type: 'hmac',
  algorithm: 'sha256',
  key: '%account[secret]%',
  message: [{ from: 'rawBody' }],
  signature: { from: 'header', name: 'x-acme-signature', encoding: 'hex' },
};
const batchEndpoint: WebhookEndpoint = {
  verify: batchVerify,
  read: {
    format: 'json',
    event: {
      kind: 'status',
      each: '/statuses',
      eachWithin: '/recipients',
      eventId: { within: '' },
      providerMessageId: { json: '/batch' },
      status: { item: '/status' },
      statuses: { ok: 'delivered', lost: 'failed' },
    },
  },
  answer: { status: 200 },
};
const signed = (body: string) => ({
  method: 'POST',
  url,
  headers: { 'x-acme-signature': createHmac('sha256', 's3cret').update(body).digest('hex') },
  body,
});

describe('a fan-out inside a fan-out', () => {
  const receiver = () => receiverFor(providerWith({ status: batchEndpoint }), { secret: 's3cret' });

  it('gives one status per recipient listed under each status, each with its own dedupe key', () => {
    const body = JSON.stringify({
      batch: 'B1',
      statuses: [
        { status: 'ok', recipients: ['+15550000001', '+15550000002'] },
        { status: 'lost', recipients: ['+15550000003'] },
      ],
    });
    const result = receiver().receive(signed(body));
    if (!result.ok) throw new Error(result.reason);
    expect(result.events.map((e) => (e.type === 'status' ? e.status : e.type))).toEqual([
      'delivered',
      'delivered',
      'failed',
    ]);
    const keys = result.events.map((e) => e.dedupeKey);
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toContain('12:+15550000001');
  });

  it('reads a status without a list of recipients as one event of its own', () => {
    const result = receiver().receive(signed(JSON.stringify({ batch: 'B2', statuses: [{ status: 'ok' }] })));
    expect(result.ok && result.events.map((e) => e.providerMessageId)).toEqual(['B2']);
  });

  it('refuses recipients that are not a list as malformed', () => {
    const result = receiver().receive(
      signed(JSON.stringify({ batch: 'B3', statuses: [{ status: 'ok', recipients: 'x' }] })),
    );
    expect(result.ok ? 'ok' : result.code).toBe('WEBHOOK_MALFORMED');
  });

  it('refuses at load a within field in an event without eachWithin', () => {
    const { eachWithin: _dropped, ...event } = batchEndpoint.read.event ?? { kind: 'status' };
    const file = providerWith({ status: { ...batchEndpoint, read: { format: 'json', event } } });
    expect(() => providerFromValue(JSON.parse(JSON.stringify(file)), 'acme.json')).toThrow(
      /eventId\/within: reads an element of the event's eachWithin, but the event has none/,
    );
  });
});

describe('one set of parameters in whichever format the provider was set to send', () => {
  const endpoint: WebhookEndpoint = {
    methods: ['GET', 'POST'],
    verify: {
      type: 'hmac',
      algorithm: 'sha256',
      key: '%account[secret]%',
      message: [{ from: 'canonical', name: 'sortedAmpersandPairsUnderscored' }],
      signature: { from: 'param', name: 'sig', encoding: 'hex' },
    },
    read: {
      format: 'params',
      event: {
        kind: 'status',
        providerMessageId: { param: 'id' },
        status: { param: 'state' },
        statuses: { ok: 'delivered' },
      },
    },
    answer: { status: 204 },
  };
  const params = { id: 'M1', state: 'ok', note: 'a&b=c' };
  const sig = createHmac('sha256', 's3cret').update('&id=M1&note=a_b_c&state=ok').digest('hex');
  const receiver = () => receiverFor(providerWith({ status: endpoint }), { secret: 's3cret' });
  const expected = [{ type: 'status', providerMessageId: 'M1', status: 'delivered' }];
  const read = (request: { method: string; url: string; headers: Record<string, string>; body: string }) => {
    const result = receiver().receive(request);
    return result.ok ? result.events.map(({ dedupeKey: _k, ...e }) => e) : result.code;
  };

  it('reads and verifies them from a GET query, a form body and a JSON object alike', () => {
    const all = { ...params, sig };
    expect(
      read({ method: 'GET', url: `${url}?${new URLSearchParams(all).toString()}`, headers: {}, body: '' }),
    ).toEqual(expected);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(read({ method: 'POST', url, headers: form, body: new URLSearchParams(all).toString() })).toEqual(expected);
    const json = { 'content-type': 'application/json' };
    expect(read({ method: 'POST', url, headers: json, body: JSON.stringify(all) })).toEqual(expected);
  });

  it('refuses a JSON object whose values changed after signing', () => {
    const json = { 'content-type': 'application/json' };
    expect(read({ method: 'POST', url, headers: json, body: JSON.stringify({ ...params, state: 'lost', sig }) })).toBe(
      'WEBHOOK_UNVERIFIED',
    );
  });

  it('refuses at load a param field outside format params, and a form field inside it', () => {
    const outside = { ...endpoint, read: { ...endpoint.read, format: 'json' as const } };
    expect(() => providerFromValue(providerWith({ status: outside }), 'acme.json')).toThrow(
      /param: reads a parameter wherever the request carries it, which needs format params, not json/,
    );
    const formInside = {
      ...endpoint,
      read: {
        format: 'params' as const,
        event: { ...endpoint.read.event, kind: 'status' as const, status: { form: 'state' } },
      },
    };
    expect(() => providerFromValue(providerWith({ status: formInside }), 'acme.json')).toThrow(
      /form: reads form pairs, but the format is params: use param/,
    );
  });
});

describe('media of inbound messages', () => {
  const inbound = (media: NonNullable<WebhookEndpoint['read']['event']>['media'], format: 'json' | 'form' = 'json') =>
    receiverFor(
      providerWith({
        inbound: {
          verify: batchVerify,
          read: {
            format,
            event: {
              kind: 'inbound',
              from: format === 'json' ? { json: '/from' } : { form: 'from' },
              to: format === 'json' ? { json: '/to' } : { form: 'to' },
              providerMessageId: format === 'json' ? { json: '/id' } : { form: 'id' },
              ...(media === undefined ? {} : { media }),
            },
          },
          answer: { status: 200 },
        },
      }),
      { secret: 's3cret' },
    );
  const mediaOf = (result: ReturnType<ReturnType<typeof inbound>['receive']>) =>
    result.ok ? result.events.map((e) => (e.type === 'inbound' ? e.media : [])) : result;

  it('reads one object as the one file of a provider that sends one, with its type and size', () => {
    const body = JSON.stringify({
      from: 'a',
      to: 'b',
      id: 'm1',
      image: { url: 'https://m.example/1.jpg', type: 'image/jpeg', bytes: 42 },
    });
    const result = inbound({ each: '/image', url: '/url', contentType: '/type', size: '/bytes' }).receive(signed(body));
    expect(mediaOf(result)).toEqual([[{ url: 'https://m.example/1.jpg', contentType: 'image/jpeg', size: 42 }]]);
  });

  it('leaves out an element without a URL and a size that is no whole number of bytes', () => {
    const body = JSON.stringify({
      from: 'a',
      to: 'b',
      id: 'm1',
      files: [{ url: null }, { url: 'https://m.example/2.png', bytes: '1.5' }],
    });
    const result = inbound({ each: '/files', url: '/url', size: '/bytes' }).receive(signed(body));
    expect(mediaOf(result)).toEqual([[{ url: 'https://m.example/2.png' }]]);
  });

  it('reads indexed keys without a count until the first missing one, the first unnumbered', () => {
    const body = 'from=a&to=b&id=m1&image=https%3A%2F%2Fm.example%2F1&image2=https%3A%2F%2Fm.example%2F2&image4=x';
    const result = inbound({ url: 'image{i}', start: 1, unnumberedFirst: true }, 'form').receive(signed(body));
    expect(mediaOf(result)).toEqual([[{ url: 'https://m.example/1' }, { url: 'https://m.example/2' }]]);
  });

  it('refuses at load indexed media without {i} in the key', () => {
    expect(() => inbound({ url: 'image' }, 'form')).toThrow(/media\/url: needs \{i\}/);
  });
});
