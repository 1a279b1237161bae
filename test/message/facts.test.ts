import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageFacts, splitText } from '../../src/message/facts.js';
import { applyLengthRule } from '../../src/message/length-policy.js';

describe('messageFacts', () => {
  it.each([
    ['Hello', 'GSM-7', 5, 1],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€{}[]~^|\\', 'GSM-7', 18, 1],
    ['Ça coûte 5€', 'UCS-2', 11, 1],
    ['Grüße é à ñ', 'GSM-7', 11, 1],
    ['Crème brûlée', 'UCS-2', 12, 1],
    ['Hello 😀', 'UCS-2', 8, 1],
    ['é'.repeat(70), 'GSM-7', 70, 1],
    ['ê'.repeat(70), 'UCS-2', 70, 1],
    ['ê'.repeat(71), 'UCS-2', 71, 2],
  ])('%j is %s, %i units, %i part(s)', (text, encoding, length, parts) => {
    expect(messageFacts(text)).toEqual({ encoding, length, parts });
  });
});

describe('splitText', () => {
  it('never cuts inside a character and loses nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 2, max: 200 }), (text, size) => {
        const facts = messageFacts(text);
        const pieces = splitText(text, size, facts.encoding);
        expect(pieces.join('')).toBe(text);
        const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
        for (const piece of pieces) expect(loneSurrogate.test(piece)).toBe(false);
        for (const piece of pieces)
          expect(
            messageFacts(piece).encoding === 'UCS-2' ? piece.length : messageFacts(piece).length,
          ).toBeLessThanOrEqual(size);
      }),
    );
  });
});

describe('message length rules', () => {
  const long = 'x'.repeat(200);
  it('sends as is without a rule or with overflow send', () => {
    expect(applyLengthRule(long, undefined)).toEqual({ ok: true, texts: [long] });
    expect(applyLengthRule(long, { max: 160, overflow: 'send' })).toEqual({ ok: true, texts: [long] });
  });
  it('refuses, saying how long it is and what the limit is', () => {
    expect(applyLengthRule(long, { max: 160, overflow: 'refuse' })).toEqual({
      ok: false,
      message: 'the message is 200 characters long (GSM-7); the provider takes at most 160',
    });
    expect(applyLengthRule('ê'.repeat(71), { max: 1, unit: 'segments', overflow: 'refuse' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('2 segments long (UCS-2)'),
    });
  });
  it('truncates to the limit', () => {
    expect(applyLengthRule(long, { max: 160, overflow: 'truncate' })).toEqual({ ok: true, texts: ['x'.repeat(160)] });
  });
  it('splits into parts within the limit, counted in segments too', () => {
    expect(applyLengthRule(long, { max: 160, overflow: 'split' })).toEqual({
      ok: true,
      texts: ['x'.repeat(160), 'x'.repeat(40)],
    });
    expect(applyLengthRule('ê'.repeat(150), { max: 1, unit: 'segments', overflow: 'split' })).toEqual({
      ok: true,
      texts: ['ê'.repeat(70), 'ê'.repeat(70), 'ê'.repeat(10)],
    });
  });
});
