/**
 * The canonicalisers agree with the providers' own SDKs on random requests: we sign with our
 * canonical text and the SDK's validation function must accept it (and refuse it for another key).
 */
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { urlWithSortedQueryAndFormPairs } from '../../src/webhook/canonical/sorted-query-and-form.js';
import { formPairsSortedByKey } from '../../src/webhook/canonical/form-pairs.js';
import { RequestFacts } from '../../src/webhook/request.js';

const require = createRequire(import.meta.url);
const { validateV3Signature } = require('plivo/dist/utils/v3Security.js') as {
  validateV3Signature: (m: string, uri: string, nonce: string, token: string, sig: string, params: object) => boolean;
};
const signalwire = require('@signalwire/compatibility-api') as {
  RestClient: { validateRequest: (token: string, sig: string, url: string, params: object) => boolean };
};

const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,6}$/);
const value = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('&', '=', '+', '%', ' ', '"', '🎉'),
);
const asciiValue = fc.stringMatching(/^[A-Za-z0-9 _.~-]{0,6}$/);
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('urlWithSortedQueryAndFormPairs', () => {
  it('is the text plivo validateV3Signature checks, for random queries and form pairs', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, asciiValue, { maxKeys: 3 }),
        fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }),
        (query, params) => {
          const search = new URLSearchParams(query).toString();
          const url = `https://hooks.example.com/plivo/in${search === '' ? '' : `?${search}`}`;
          const facts = new RequestFacts({ method: 'POST', url, headers: {}, body: form(params) });
          const signed = `${urlWithSortedQueryAndFormPairs(facts)}.nonce123`;
          const signature = createHmac('sha256', 'token').update(signed).digest('base64');
          expect(validateV3Signature('POST', url, 'nonce123', 'token', signature, params)).toBe(true);
          expect(validateV3Signature('POST', url, 'nonce123', 'other', signature, params)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('urlPortVariants with formPairsSortedByKey', () => {
  it('gives the text the SignalWire compatibility SDK checks, repeated keys in the order sent', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }),
        fc.array(value, { minLength: 2, maxLength: 3 }),
        (params, repeated) => {
          const url = 'https://hooks.example.com/signalwire/in';
          const body = `${form(params)}&${repeated.map((v) => `Tags=${encodeURIComponent(v)}`).join('&')}`;
          const facts = new RequestFacts({ method: 'POST', url, headers: {}, body });
          const signature = createHmac('sha1', 'key')
            .update(url + formPairsSortedByKey(facts))
            .digest('base64');
          const sdkParams = { ...params, Tags: repeated };
          expect(signalwire.RestClient.validateRequest('key', signature, url, sdkParams)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
