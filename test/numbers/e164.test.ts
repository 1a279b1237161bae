import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { isPossibleE164 } from '../../src/numbers/e164.js';

describe('the E.164 fast path', () => {
  it('answers only where a full libphonenumber parse keeps the number and finds it possible', () => {
    const e164 = fc
      .tuple(fc.integer({ min: 1, max: 999 }), fc.stringMatching(/^[0-9]{4,12}$/))
      .map(([code, rest]) => `+${code}${rest}`);
    fc.assert(
      fc.property(e164, (number) => {
        const full = parsePhoneNumberFromString(number);
        if (isPossibleE164(number)) expect([full?.isPossible(), full?.number]).toEqual([true, number]);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts test and real numbers, and refuses wrong lengths and unknown codes', () => {
    expect(['+15551231234', '+16502530000', '+447700900123', '+4930123456'].map(isPossibleE164)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['+1555123123', '+9991234567', '15551231234', '+1 555 123 1234'].map(isPossibleE164)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
