/**
 * A digest with `windowSeconds`: for providers that send neither an id nor a time, the event's
 * identity is its content, valid only for a while. The event says so (`dedupeWindowSeconds`) when,
 * and only when, its key comes from such a digest, so a store can forget it after the window.
 */
import { describe, expect, it } from 'vitest';
import { providerFromValue } from '../../src/config/load-provider.js';
import type { FieldSource, WebhookEndpoint } from '../../src/generated/provider.js';
import { providerWith, receiverFor } from '../helpers/webhooks.js';

const url = 'https://hooks.example.com/acme/inbound?key=k3y';
const contentDigest: FieldSource = {
  digest: [
    { json: '/from', number: true },
    { json: '/to', number: true },
    { json: '/text', default: '' },
  ],
  windowSeconds: 600,
};
const endpoint: WebhookEndpoint = {
  verify: { type: 'urlSecret', query: 'key', value: '%account[secret]%' },
  read: {
    format: 'json',
    event: {
      kind: 'inbound',
      from: { json: '/from', number: true },
      to: { json: '/to', number: true },
      text: { json: '/text', default: '' },
      providerMessageId: { json: '/id', else: contentDigest },
    },
  },
  answer: { status: 200 },
};
const receive = (body: object, spec: WebhookEndpoint = endpoint) => {
  const result = receiverFor(providerWith({ inbound: spec }), { secret: 'k3y' }).receive({
    method: 'POST',
    url,
    headers: {},
    body: JSON.stringify(body),
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.events;
};
const yes = { from: '+15558675310', to: '+15557122661', text: 'Yes' };

describe('a content digest valid for a window', () => {
  it('marks the event with its window, and gives the same text the same key', () => {
    const [first] = receive(yes);
    const [again] = receive(yes);
    expect(first?.dedupeWindowSeconds).toBe(600);
    expect(again?.dedupeKey).toBe(first?.dedupeKey);
    expect(receive({ ...yes, text: 'No' })[0]?.dedupeKey).not.toBe(first?.dedupeKey);
  });

  it("leaves an event keyed by the provider's own id without a window", () => {
    const [event] = receive({ ...yes, id: 'SM1' });
    expect(event?.providerMessageId).toBe('SM1');
    expect(event).not.toHaveProperty('dedupeWindowSeconds');
  });

  it('leaves an event without a window when its provider event id is a real id', () => {
    const spec = structuredClone(endpoint);
    if (spec.read.event !== undefined) spec.read.event.eventId = { json: '/event' };
    expect(receive({ ...yes, event: 'EV1' }, spec)[0]).not.toHaveProperty('dedupeWindowSeconds');
    expect(receive(yes, spec)[0]?.dedupeWindowSeconds).toBe(600);
  });

  it('refuses at load a window on a source that is not a digest', () => {
    const bad = structuredClone(endpoint);
    if (bad.read.event !== undefined) bad.read.event.providerMessageId = { json: '/id', windowSeconds: 600 };
    expect(() => providerFromValue(providerWith({ inbound: bad }), 'acme.json')).toThrow(/windowSeconds/);
  });
});
