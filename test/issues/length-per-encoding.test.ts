/**
 * Issue 9, item 25: one `messageLength` served every encoding, and no unit counted UTF-8 bytes.
 * Plivo takes 1600 GSM-7 or 737 UCS-2 characters; voip.ms counts the bytes of the text.
 */
import { describe, expect, it } from 'vitest';
import { splitText, utf8Length } from '../../src/message/facts.js';
import { applyLengthRule } from '../../src/message/length-policy.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const perEncoding = { max: { 'GSM-7': 1600, 'UCS-2': 737 }, overflow: 'refuse' } as const;

describe('a length per encoding', () => {
  it('takes 1600 GSM-7 characters but refuses 738 UCS-2 ones', () => {
    expect(applyLengthRule('a'.repeat(1600), perEncoding)).toEqual({ ok: true, texts: ['a'.repeat(1600)] });
    expect(applyLengthRule('ж'.repeat(737), perEncoding).ok).toBe(true);
    expect(applyLengthRule('ж'.repeat(738), perEncoding)).toEqual({
      ok: false,
      message: 'the message is 738 characters long (UCS-2); the provider takes at most 737',
    });
  });

  it('splits each text by the limit of its own encoding', () => {
    const rule = { max: { 'GSM-7': 10, 'UCS-2': 4 }, overflow: 'split' } as const;
    expect(applyLengthRule('a'.repeat(15), rule)).toEqual({ ok: true, texts: ['a'.repeat(10), 'a'.repeat(5)] });
    expect(applyLengthRule('жжжжжж', rule)).toEqual({ ok: true, texts: ['жжжж', 'жж'] });
  });

  it('is accepted in a provider file and refuses a too long UCS-2 message before any request', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith(
      { url: 'https://e.com/send', body: { text: '%sms_body%' } },
      { messageLength: perEncoding },
    );
    const sb = connect(file, {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551231234', body: 'ж'.repeat(738) });
    await sb.close();
    expect(result).toMatchObject({ ok: false, code: 'MESSAGE_TOO_LONG' });
    expect(s.requests).toHaveLength(0);
  });
});

describe('a length in UTF-8 bytes', () => {
  it('counts é as 2 bytes, € as 3 and an emoji as 4', () => {
    expect(utf8Length('aé€😀')).toBe(10);
  });

  it('refuses 81 é (162 bytes) for a 160-byte limit although they are 81 GSM-7 characters', () => {
    const rule = { max: 160, unit: 'utf8-bytes', overflow: 'refuse' } as const;
    expect(applyLengthRule('é'.repeat(80), rule).ok).toBe(true);
    expect(applyLengthRule('é'.repeat(81), rule)).toEqual({
      ok: false,
      message: 'the message is 162 UTF-8 bytes long (GSM-7); the provider takes at most 160',
    });
  });

  it('splits by bytes and never inside a character', () => {
    const rule = { max: 7, unit: 'utf8-bytes', overflow: 'split' } as const;
    expect(applyLengthRule('ab😀😀c', rule)).toEqual({ ok: true, texts: ['ab😀', '😀c'] });
    for (const piece of splitText('é😀€a'.repeat(20), 9, 'UTF-8')) expect(utf8Length(piece)).toBeLessThanOrEqual(9);
  });
});
