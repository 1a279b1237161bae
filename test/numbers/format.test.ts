import { describe, expect, it } from 'vitest';
import { formatNumber, type NumberFormat } from '../../src/numbers/format.js';

describe('formatNumber', () => {
  const table: [string, NumberFormat, string | undefined, string][] = [
    ['+1 (555) 123-1234', 'E164', undefined, '+15551231234'],
    ['555-123-1234', 'E164', 'US', '+15551231234'],
    ['+1 555 123 1234', 'E164_NO_PLUS', undefined, '15551231234'],
    ['+1 555 123 1234', 'INTERNATIONAL_00', undefined, '0015551231234'],
    ['+1 (555) 666-7777', 'NATIONAL', undefined, '5556667777'],
    ['+44 7700 900123', 'NATIONAL', undefined, '07700900123'],
    ['07700 900123', 'E164', 'GB', '+447700900123'],
    ['+1(555)123-1234', 'AS_TYPED', undefined, '+1(555)123-1234'],
    ['+1 (555) 123-1234', 'DIGITS', undefined, '15551231234'],
  ];
  it.each(table)('writes %s as %s (country %s) → %s', (typed, format, country, expected) => {
    expect(formatNumber(typed, format, country, false)).toEqual({ ok: true, value: expected });
  });

  it('rejects a number without country code when no default country is set, and says how to fix it', () => {
    expect(formatNumber('5551231234', 'E164', undefined, false)).toEqual({
      ok: false,
      message: expect.stringContaining('write it with its country code'),
    });
  });

  it('rejects text that is not a phone number', () => {
    expect(formatNumber('sip:alice@example.com', 'E164', 'US', false)).toMatchObject({
      ok: false,
      message: expect.stringContaining('is not a valid phone number'),
    });
    expect(formatNumber('+1 555', 'E164', undefined, false)).toMatchObject({ ok: false });
  });

  it('passes non-phone recipients through as typed when the provider allows them', () => {
    expect(formatNumber('sip:alice@example.com', 'E164', 'US', true)).toEqual({
      ok: true,
      value: 'sip:alice@example.com',
    });
    expect(formatNumber('MyShop', 'E164', 'US', true)).toEqual({ ok: true, value: 'MyShop' });
    // DIGITS keeps a name or channel address whole, rather than its digits alone.
    expect(formatNumber('ACME1', 'DIGITS', 'US', true)).toEqual({ ok: true, value: 'ACME1' });
    expect(formatNumber('whatsapp:+15551231234', 'DIGITS', 'US', true)).toEqual({
      ok: true,
      value: 'whatsapp:+15551231234',
    });
    expect(formatNumber('+1 (555) 123-1234', 'DIGITS', 'US', true)).toEqual({ ok: true, value: '15551231234' });
  });
});

describe('formatNumber, as people type US numbers', () => {
  it.each(['(407) 555-1212', '407.555.1212', '407-555-1212', '4075551212'])(
    'reads %s with default country US',
    (typed) => {
      expect(formatNumber(typed, 'E164', 'US', false)).toEqual({ ok: true, value: '+14075551212' });
    },
  );
});
