/**
 * `read.jsonIn`: a provider that posts a form whose one key holds the JSON document (MSG91's version 2
 * delivery reports: `data=<JSON array>`) is read through the same pointers, fan-outs and statuses as
 * a JSON body, after the raw form body is verified; anything else in that key is malformed.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { providerFromValue } from '../../src/config/load-provider.js';
import type { WebhookEndpoint } from '../../src/generated/provider.js';
import { providerWith, receiverFor } from '../helpers/webhooks.js';

const url = 'https://hooks.example.com/acme/status';
const endpoint: WebhookEndpoint = {
  verify: {
    type: 'hmac',
    algorithm: 'sha256',
    key: '%account[secret]%',
    message: [{ from: 'rawBody' }],
    signature: { from: 'header', name: 'x-acme-signature', encoding: 'hex' },
  },
  read: {
    format: 'json',
    jsonIn: 'data',
    each: '',
    event: {
      kind: 'status',
      each: '/report',
      providerMessageId: { json: '/requestId' },
      status: { item: '/status' },
      statuses: { '1': 'delivered', '2': 'failed' },
      error: { item: '/reason' },
    },
  },
  answer: { status: 200 },
};
const receiver = () => receiverFor(providerWith({ status: endpoint }), { secret: 's3cret' });
const signed = (body: string) => ({
  method: 'POST',
  url,
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'x-acme-signature': createHmac('sha256', 's3cret').update(body).digest('hex'),
  },
  body,
});
const formOf = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

describe('a JSON document carried in a form key', () => {
  it('is read like a JSON body: one status per report of each request, with text exactly as sent', () => {
    const data = JSON.stringify([
      { requestId: 'R1', report: [{ status: '1' }, { status: '2', reason: 'Absent & "away" ✓' }] },
      { requestId: 'R2', report: [{ status: '1' }] },
    ]);
    const result = receiver().receive(signed(formOf([['data', data]])));
    if (!result.ok) throw new Error(result.reason);
    expect(result.events.map(({ dedupeKey: _k, ...e }) => e)).toEqual([
      { type: 'status', providerMessageId: 'R1', status: 'delivered' },
      { type: 'status', providerMessageId: 'R1', status: 'failed', error: 'Absent & "away" ✓' },
      { type: 'status', providerMessageId: 'R2', status: 'delivered' },
    ]);
  });

  it('refuses a form without the key, with it twice, or with a value that is not JSON as malformed', () => {
    const data = JSON.stringify([{ requestId: 'R1', report: [{ status: '1' }] }]);
    const code = (body: string) => {
      const result = receiver().receive(signed(body));
      return result.ok ? 'ok' : result.code;
    };
    expect(code(formOf([['requestId', 'R1']]))).toBe('WEBHOOK_MALFORMED');
    expect(
      code(
        formOf([
          ['data', data],
          ['data', data],
        ]),
      ),
    ).toBe('WEBHOOK_MALFORMED');
    expect(code(formOf([['data', '[{"requestId"']]))).toBe('WEBHOOK_MALFORMED');
  });

  it('refuses at load a jsonIn on a read whose format is not json', () => {
    const formRead = {
      ...endpoint,
      read: { format: 'form' as const, jsonIn: 'data', event: { kind: 'status' as const } },
    };
    expect(() => providerFromValue(providerWith({ status: formRead }), 'acme.json')).toThrow(
      /read\/jsonIn: names the form key that holds a JSON document, so needs format json/,
    );
  });
});
