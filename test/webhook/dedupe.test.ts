/** Dedupe keys: the documented identity, written out so that no id can pass for a separator. */
import { describe, expect, it } from 'vitest';
import { dedupeKey } from '../../src/webhook/read/dedupe.js';

describe('dedupe keys', () => {
  it('writes the identity of a status event as documented', () => {
    expect(dedupeKey('twilio', 'status', undefined, { type: 'status', providerMessageId: 'SM1', status: 'sent' })).toBe(
      'twilio/6:status/-/status/3:SM1/-/sent/-/-',
    );
    expect(
      dedupeKey('telnyx', 'events', 'e1', {
        type: 'status',
        providerMessageId: 'm1',
        messageId: 'msg/1',
        status: 'delivered',
        at: '2026-01-01T00:00:05.000Z',
        errorCode: '40001',
      }),
    ).toBe('telnyx/6:events/2:e1/status/2:m1/5:msg/1/delivered/24:2026-01-01T00:00:05.000Z/5:40001');
  });

  it('keys an inbound message by its provider id, whatever its text', () => {
    const inbound = (text: string) =>
      dedupeKey('acme', 'inbound', undefined, {
        type: 'inbound',
        from: '+15558675310',
        to: '+15557122661',
        text,
        providerMessageId: 'm1',
        media: [],
      });
    expect(inbound('hi')).toBe(inbound('a retry carries the same message'));
    expect(inbound('hi')).toBe('acme/7:inbound/-/inbound/2:m1');
  });

  it('tells apart ids that would read the same if joined by the separator', () => {
    const key = (providerMessageId: string, messageId: string) =>
      dedupeKey('acme', 'status', undefined, { type: 'status', providerMessageId, messageId, status: 'sent' });
    expect(key('a/1:b', 'c')).not.toBe(key('a', 'b/1:c'));
    expect(key('a', '-')).not.toBe(key('a', ''));
  });
});
