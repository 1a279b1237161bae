/**
 * Issue 9, item 7: the Digest challenge parser was a global regular expression that took
 * quadratic time on a long run of name characters without `=` (12 s for 64 KB). It now scans once.
 */
import { describe, expect, it } from 'vitest';
import { parseDigestChallenge } from '../../src/http/digest.js';

const KB64 = 1 << 16;

describe('reading a Digest challenge', () => {
  it.each([
    ['a run of name characters without =', 'Digest ' + 'a'.repeat(KB64)],
    ['names separated by spaces', 'Digest ' + 'a '.repeat(KB64 / 2)],
    ['a quoted value that never closes', 'Digest nonce="' + 'x\\'.repeat(KB64 / 2)],
    ['many empty parameters', 'Digest ' + 'a=,'.repeat(KB64 / 3) + 'nonce=1'],
  ])('reads a hostile 64 KB header made of %s in well under a second', (_shape, header) => {
    const started = performance.now();
    parseDigestChallenge(header);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads quoted values with escapes, tokens and any case of the scheme', () => {
    expect(
      parseDigestChallenge(' digest realm="a \\"b\\"", nonce=abc,qop="auth,auth-int" , algorithm=SHA-256'),
    ).toEqual({
      realm: 'a "b"',
      nonce: 'abc',
      qop: 'auth,auth-int',
      algorithm: 'SHA-256',
    });
  });

  it('answers no challenge without a nonce, or for another scheme', () => {
    expect(parseDigestChallenge('Digest realm="x"')).toBeUndefined();
    expect(parseDigestChallenge('Basic realm="x", nonce="y"')).toBeUndefined();
    expect(parseDigestChallenge('Digestnonce=1')).toBeUndefined();
  });
});
