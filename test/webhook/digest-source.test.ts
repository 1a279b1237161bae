/**
 * A `digest` field source: an id for events the provider sends without one, made from the fields
 * that identify the event, so that a redelivery reads to the same dedupe key and a different event
 * does not.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { providerFromValue } from '../../src/config/load-provider.js';
import type { WebhookEndpoint } from '../../src/generated/provider.js';
import { providerWith, receiverFor } from '../helpers/webhooks.js';

const url = 'https://hooks.example.com/acme/inbound?key=k3y';
const endpoint: WebhookEndpoint = {
  verify: { type: 'urlSecret', query: 'key', value: '%account[secret]%' },
  read: {
    format: 'json',
    event: {
      kind: 'inbound',
      from: { json: '/from', number: true },
      to: { json: '/to', number: true },
      text: { json: '/body', default: '' },
      providerMessageId: {
        json: '/id',
        else: { digest: [{ json: '/from', number: true }, { json: '/to', number: true }, { json: '/received_at' }] },
      },
    },
  },
  answer: { status: 200 },
};
const receiver = () => receiverFor(providerWith({ inbound: endpoint }), { secret: 'k3y' });
const receive = (body: object) => {
  const result = receiver().receive({ method: 'POST', url, headers: {}, body: JSON.stringify(body) });
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.events;
};
const message = { from: '+15558675310', to: '+15557122661', body: 'Yes', received_at: '2026-01-01T10:20:30.123Z' };

describe('a digest of fields as an event id', () => {
  it('is the SHA-256 of the fields as read, each length-prefixed', () => {
    const [event] = receive(message);
    const expected = createHash('sha256')
      .update('12:+1555867531012:+1555712266124:2026-01-01T10:20:30.123Z')
      .digest('hex');
    expect(event?.providerMessageId).toBe(expected);
  });

  it('gives a redelivery the same id and dedupe key, and the same text at another time a new one', () => {
    const first = receive(message);
    const again = receive(message);
    const later = receive({ ...message, received_at: '2026-01-01T10:25:00.000Z' });
    expect(again.map((e) => e.dedupeKey)).toEqual(first.map((e) => e.dedupeKey));
    expect(later[0]?.dedupeKey).not.toBe(first[0]?.dedupeKey);
  });

  it('cannot be made to collide by moving text across a field boundary', () => {
    const split = structuredClone(endpoint);
    if (split.read.event !== undefined)
      split.read.event.providerMessageId = { digest: [{ json: '/a' }, { json: '/b' }] };
    const ids = [
      { a: 'ab', b: 'c' },
      { a: 'a', b: 'bc' },
    ].map((parts) => {
      const result = receiverFor(providerWith({ inbound: split }), { secret: 'k3y' }).receive({
        method: 'POST',
        url,
        headers: {},
        body: JSON.stringify({ ...message, ...parts }),
      });
      return result.ok ? result.events[0]?.providerMessageId : result.code;
    });
    expect(ids[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("yields to the provider's own id when there is one", () => {
    expect(receive({ ...message, id: 'SM1' })[0]?.providerMessageId).toBe('SM1');
  });

  it('is absent when a listed field is absent, so the event is refused as malformed', () => {
    const { received_at: _dropped, ...withoutTime } = message;
    const result = receiver().receive({ method: 'POST', url, headers: {}, body: JSON.stringify(withoutTime) });
    expect(result.ok ? 'ok' : result.code).toBe('WEBHOOK_MALFORMED');
  });

  it('refuses at load a listed field that the format cannot read', () => {
    const bad = structuredClone(endpoint);
    if (bad.read.event?.providerMessageId !== undefined)
      bad.read.event.providerMessageId = { digest: [{ form: 'From' }] };
    expect(() => providerFromValue(providerWith({ inbound: bad }), 'acme.json')).toThrow(
      /providerMessageId\/digest\/0\/form: reads form pairs, but the format is json/,
    );
  });
});
