/**
 * Issue 9, item 9: masking by substring mangled output and hinted at the secret when it was short
 * (password `1234` turned recipient `+15551231234` into `+1555123****`; password `p` broke
 * `https`). Renders are masked where the renderer put a secret; provider text is searched for
 * every encoding of each secret, long ones anywhere, 4 to 7 characters as whole words only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, MASK_ANYWHERE_FROM } from '../../src/redact.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

const queryService = {
  url: 'https://api.example.com/send?to=%sms_to%&key=%account[password]%',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%', key: '%account[password]%' },
};

/** Encodings of `secret` as the test knows them, from the platform's own encoders. */
function encodings(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const rfc = uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  const json = JSON.stringify(secret).slice(1, -1);
  const xml = secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return [secret, uri, rfc, lower(uri), lower(rfc), uri.replaceAll('%20', '+'), rfc.replaceAll('%20', '+'), json, xml];
}

describe('masked renders mask where the secret stands, and only there', () => {
  it('keeps a recipient that contains a short password whole', () => {
    const sb = connect(providerWith(queryService), { password: '1234' });
    const masked = sb.render('sendMessage', { sms_to: '+15551231234', sms_body: 'call 1234' });
    expect(masked.url).toBe('https://api.example.com/send?to=%2B15551231234&key=****');
    expect(JSON.parse(masked.body ?? '')).toEqual({ to: '+15551231234', text: 'call 1234', key: '****' });
  });

  it('keeps https whole when the password is "p"', () => {
    const sb = connect(providerWith(queryService), { password: 'p' });
    expect(sb.render('sendMessage', { sms_to: '+15551231234', sms_body: 'pp' }).url).toBe(
      'https://api.example.com/send?to=%2B15551231234&key=****',
    );
  });

  it('never shows the secret and changes nothing else, for any secret, recipient digits and text', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }),
        fc.stringMatching(/^[2-9]\d{9}$/),
        fc.string({ maxLength: 30, unit: 'grapheme' }),
        (secret, digits, text) => {
          const to = `+1${digits}`;
          const sb = connect(providerWith(queryService), { password: secret });
          const masked = sb.render('sendMessage', { sms_to: to, sms_body: text });
          const neutral = connect(providerWith(queryService), { password: '****' }).render('sendMessage', {
            sms_to: to,
            sms_body: text,
          });
          // The non-secret text is exactly what it would be with no secret at all.
          expect(JSON.parse(masked.body ?? '')).toEqual(JSON.parse(neutral.body ?? ''));
          expect(masked.url).toBe(neutral.url.replace('%2A%2A%2A%2A', '****'));
          // And where that text does not spell the secret itself, no encoding of it is there.
          const shown = JSON.stringify(neutral);
          fc.pre(encodings(secret).every((e) => !shown.includes(e) && !JSON.stringify(to + text).includes(e)));
          for (const e of encodings(secret)) expect(JSON.stringify(masked)).not.toContain(e);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('provider text is searched for every encoding of a secret', () => {
  const secret = 'p@ss wörd/&"<tok>';
  const redact = createRedactor([secret], [{ username: 'johndow', password: secret }]);

  it.each([
    ['as typed', secret],
    ['percent-encoded, upper-case hex', encodeURIComponent(secret)],
    ['percent-encoded, lower-case hex', encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
    ['form-encoded with + for space', encodeURIComponent(secret).replaceAll('%20', '+')],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['JSON-escaped with \\/ and \\u00f6', 'p@ss w\\u00f6rd\\/&\\"<tok>'],
    ['XML-escaped with names', 'p@ss wörd/&amp;&quot;&lt;tok&gt;'],
    ['XML-escaped with numbers', 'p@ss wörd/&#38;&#34;&#60;tok&#62;'],
    ['as the base64 of Basic credentials', Buffer.from(`johndow:${secret}`).toString('base64')],
  ])('masks it %s', (_, form) => {
    expect(redact(`error: ${form} refused`)).toBe('error: **** refused');
  });

  it('masks a secret of 4 to 7 characters only where it stands as a whole word', () => {
    const short = createRedactor(['1234']);
    expect(short('{"to":"+15551231234","error":"bad key 1234","key":"1234"}')).toBe(
      '{"to":"+15551231234","error":"bad key ****","key":"****"}',
    );
  });

  it('leaves text alone for a secret of 1 to 3 characters, which no search can hide', () => {
    expect(createRedactor(['p'])('see https://p.example.com')).toBe('see https://p.example.com');
  });

  it('masks secrets in the headers of a kept response', async () => {
    const long = 'sk_live_0123456789abcdef';
    const s = await server(() => ({ status: 400, headers: { 'x-echo': `key=${long}` }, body: 'no' }));
    const sb = connect(providerWith(queryService), { password: long }, { origin: s.origin, includeResponse: true });
    const [result] = await sb.sendMessage({ to: '+15551231234', body: 'x' });
    await sb.close();
    expect(result?.response?.headers['x-echo']).toBe('key=****');
  });

  it('never leaves an encoding of a long secret and keeps the text around it, for any secret and text', () => {
    const plain = fc.string({ maxLength: 20, unit: 'grapheme' });
    fc.assert(
      fc.property(
        fc.string({ minLength: MASK_ANYWHERE_FROM, maxLength: 16, unit: 'grapheme' }).filter((s) => !s.includes('*')),
        plain,
        plain,
        fc.nat(),
        (secret, before, after, pick) => {
          const forms = encodings(secret);
          const form = forms[pick % forms.length] as string;
          const text = before + form + after;
          // Only where the secret's encodings occur just once, inside the inserted one.
          fc.pre(
            forms.every((f) =>
              occurrences(text, f).every((i) => i >= before.length && i + f.length <= before.length + form.length),
            ),
          );
          const out = createRedactor([secret])(text);
          for (const f of forms) expect(out).not.toContain(f);
          expect(out).toBe(`${before}****${after}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function occurrences(text: string, part: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) at.push(i);
  return at;
}
