/**
 * The escaping guarantee (DESIGN §2), proven by property: for any Unicode string, what the
 * receiving parser reads back is exactly the user's string, in every position a placeholder can
 * stand in. Each case renders through the real renderer and parses with a real parser.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileStructuredBody, renderBody } from '../../src/template/body.js';
import { compileTemplate, type KnownNames } from '../../src/template/compile.js';
import type { TemplateKind } from '../../src/template/contexts.js';
import { RenderError } from '../../src/template/escape.js';
import { renderTemplate } from '../../src/template/render.js';
import { parseXml } from '../../src/response/xml.js';
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { startRecordingServer } from '../../src/fixtures/recording-server.js';
import { requestTarget } from '../../src/http/request-target.js';

fc.configureGlobal({ numRuns: 300 });

const known: KnownNames = { params: ['sms_to', 'sms_body'], accountKeys: ['username'], secrets: new Set() };

function render(source: string, kind: TemplateKind, value: string): string {
  const { template, problems } = compileTemplate(source, kind, known);
  expect(problems).toEqual([]);
  return renderTemplate(template, {
    params: { sms_body: value, sms_to: '+15551231234' },
    account: { username: 'johndow' },
  });
}

// Any Unicode text, with the characters that break naive templating made frequent.
const tricky = fc.constantFrom(
  '&',
  '=',
  '+',
  '%',
  '%20',
  '%sms_to%',
  '<',
  '>',
  '"',
  "'",
  '\\',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '#',
  '?',
  '/',
  ';',
  ']]>',
  '😀',
  'é',
  '\u2028',
  '\u0000',
);
const text = fc.array(fc.oneof(fc.string({ unit: 'binary' }), tricky), { maxLength: 8 }).map((parts) => parts.join(''));
const wellFormed = text.filter(
  (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s),
);
// Path values with the dot segments that URL normalisation would resolve made frequent.
const pathValue = fc.oneof(wellFormed, fc.constantFrom('.', '..', '...', '%2E', '.%2e'));
// XML 1.0 cannot carry these at all; they are refused (tested below), never altered.
const xmlText = wellFormed.filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s));

describe('escaping round trip', () => {
  it('keeps any text intact in a URL query value', () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        const url = new URL(render('https://example.com/send?to=%sms_to%&body=%sms_body%&x=1', 'url', value));
        expect(url.searchParams.get('body')).toBe(value);
        expect(url.searchParams.get('to')).toBe('+15551231234');
        expect(url.searchParams.get('x')).toBe('1');
      }),
    );
  });

  it('keeps any text intact in a URL path segment, dot segments included', () => {
    fc.assert(
      fc.property(pathValue, (value) => {
        const { pathname } = requestTarget(render('https://example.com/users/%sms_body%/send', 'url', value));
        const segments = pathname.split('/');
        expect(segments.length).toBe(4);
        expect(decodeURIComponent(segments[2] ?? '')).toBe(value);
        expect(segments[3]).toBe('send');
      }),
    );
  });

  it('keeps any text intact in URL path segments as the server receives the raw path', async () => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const provider = providerFromValue(
      {
        id: 'p',
        name: 'P',
        docs: 'https://example.com/docs',
        parameters: {},
        services: { sendMessage: { url: 'https://e.com/a/%sms_body%/.%sms_body%/%sms_body%%sms_body%/z' } },
      },
      'p.json',
    );
    const account = accountFromValue({ provider: 'p' }, 'a.account.json', undefined);
    const connector = createConnector({ provider, account, origin: server.origin, retry: false });
    try {
      await fc.assert(
        // An empty value leaves the template's own `.` segment, which resolves as the template wrote it.
        fc.asyncProperty(
          pathValue.filter((v) => v !== ''),
          async (value) => {
            const [result] = await connector.sendMessage({ to: ['+15551231234'], body: value });
            expect(result?.ok).toBe(true);
            const segments = (server.requests.at(-1)?.url ?? '').split('/').map(decodeURIComponent);
            expect(segments).toEqual(['', 'a', value, `.${value}`, `${value}${value}`, 'z']);
          },
        ),
        { numRuns: 100 },
      );
    } finally {
      await connector.close();
      await server.close();
    }
  });

  it('keeps any text intact in a form body', () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        const form = new URLSearchParams(render('from=%account[username]%&to=%sms_to%&body=%sms_body%', 'form', value));
        expect(form.get('body')).toBe(value);
        expect([...form.keys()]).toEqual(['from', 'to', 'body']);
      }),
    );
  });

  it('keeps any text intact in a JSON string', () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        const parsed = JSON.parse(render('{ "to" : "%sms_to%", "body" : "pre %sms_body% post" }', 'json', value));
        expect(parsed).toEqual({ to: '+15551231234', body: `pre ${value} post` });
      }),
    );
  });

  it('keeps any text intact in XML element text', () => {
    fc.assert(
      fc.property(xmlText, (value) => {
        const doc = parseXml(render('<sms><to>%sms_to%</to><body>%sms_body%</body></sms>', 'xml', value)) as {
          sms: { body: string };
        };
        expect(doc.sms.body).toBe(value);
      }),
    );
  });

  it('keeps any text intact in an XML attribute', () => {
    fc.assert(
      fc.property(xmlText, (value) => {
        const doc = parseXml(render(`<sms body="%sms_body%" other='%sms_body%'/>`, 'xml', value)) as {
          sms: Record<string, string>;
        };
        expect(doc.sms['@body']).toBe(value);
        expect(doc.sms['@other']).toBe(value);
      }),
    );
  });

  it('keeps any text intact inside XML CDATA', () => {
    fc.assert(
      fc.property(xmlText, (value) => {
        const doc = parseXml(render('<sms><body><![CDATA[%sms_body%]]></body></sms>', 'xml', value)) as {
          sms: { body: string };
        };
        expect(doc.sms.body).toBe(value);
      }),
    );
  });

  it('keeps any text intact in a structured JSON body, arrays and nesting included', () => {
    const shape = { messages: [{ destinations: [{ to: '%sms_to%' }], text: '%sms_body%', n: 1, flag: true }] };
    const { body, problems } = compileStructuredBody(shape, 'application/json', known);
    expect(problems).toEqual([]);
    fc.assert(
      fc.property(wellFormed, (value) => {
        const parsed = JSON.parse(renderBody(body, { params: { sms_body: value, sms_to: '+1' }, account: {} }));
        expect(parsed).toEqual({ messages: [{ destinations: [{ to: '+1' }], text: value, n: 1, flag: true }] });
      }),
    );
  });

  it('keeps any text intact in a structured form body', () => {
    const { body } = compileStructuredBody(
      { To: '%sms_to%', Body: '%sms_body%' },
      'application/x-www-form-urlencoded',
      known,
    );
    fc.assert(
      fc.property(wellFormed, (value) => {
        const form = new URLSearchParams(renderBody(body, { params: { sms_body: value, sms_to: '+1' }, account: {} }));
        expect(Object.fromEntries(form)).toEqual({ To: '+1', Body: value });
      }),
    );
  });

  it('passes header values through unchanged unless they hold control characters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((s) => /^[\u0009\u0020-\u007E\u0080-\u00FF]*$/.test(s)),
        (value) => {
          expect(render('X %sms_body%', 'header', value)).toBe(`X ${value}`);
        },
      ),
    );
  });

  it('refuses CR and LF in a header value instead of injecting a header', () => {
    fc.assert(
      fc.property(wellFormed, fc.constantFrom('\r', '\n', '\r\n'), wellFormed, (a, eol, b) => {
        expect(() => render('%sms_body%', 'header', `${a}${eol}${b}`)).toThrow(RenderError);
      }),
    );
  });

  it('refuses characters XML 1.0 cannot carry rather than dropping them', () => {
    expect(() => render('<b>%sms_body%</b>', 'xml', 'bell\u0007')).toThrow(/U\+0007 cannot be sent in XML/);
  });

  it('allows only JSON literals where a placeholder stands outside quotes', () => {
    expect(JSON.parse(render('{"smart": %sms_body%}', 'json', '1'))).toEqual({ smart: 1 });
    expect(JSON.parse(render('{"smart": %sms_body%}', 'json', 'true'))).toEqual({ smart: true });
    expect(() => render('{"smart": %sms_body%}', 'json', '1, "x": 2')).toThrow(/must be a number, true, false or null/);
  });

  it('refuses an unpaired surrogate in any position instead of sending mangled bytes', () => {
    expect(() => render('https://e.com/?b=%sms_body%', 'url', 'a\uD800b')).toThrow(/unpaired/);
    expect(() => render('{"b": "%sms_body%"}', 'json', 'a\uDC00b')).toThrow(/unpaired/);
    expect(() => render('<b>%sms_body%</b>', 'xml', 'a\uD800')).toThrow(/unpaired/);
  });
});

describe('escaping round trip of media URLs', () => {
  const mediaKnown: KnownNames = {
    params: ['sms_to', 'sms_body', 'media_url', 'media_content_type', 'media_count'],
    accountKeys: [],
    secrets: new Set(),
  };
  // Any text stands for a URL here: validation comes before rendering, escaping must hold regardless.
  const urls = fc.array(wellFormed, { minLength: 1, maxLength: 5 });
  const scopeOf = (body: string, list: readonly string[]) => ({
    params: { sms_to: '+1', sms_body: body, media_url: list[0] ?? '', media_count: String(list.length) },
    account: {},
    media: list.map((url, i) => ({ url, contentType: `image/t${i}` })),
  });
  const compiled = (shape: unknown, contentType: string) => {
    const { body, problems } = compileStructuredBody(shape, contentType, mediaKnown);
    expect(problems).toEqual([]);
    return body;
  };

  it('keeps every URL intact as a repeated form key, in order, the other fields untouched', () => {
    const body = compiled(
      { To: '%sms_to%', Body: '%sms_body%', MediaUrl: { $media: '%media_url%' }, After: 'x' },
      'application/x-www-form-urlencoded',
    );
    fc.assert(
      fc.property(wellFormed, urls, (text, list) => {
        const form = new URLSearchParams(renderBody(body, scopeOf(text, list)));
        expect(form.getAll('MediaUrl')).toEqual(list);
        expect([form.get('To'), form.get('Body'), form.get('After')]).toEqual(['+1', text, 'x']);
        expect([...form.keys()].length).toBe(3 + list.length);
      }),
    );
  });

  it('keeps every URL intact under indexed form keys, from 0 or from 1', () => {
    const body = compiled(
      { 'media_urls[%media_index%]': { $media: '%media_url%' }, 'Media%media_number%': { $media: '%media_url%' } },
      'application/x-www-form-urlencoded',
    );
    fc.assert(
      fc.property(urls, (list) => {
        const form = new URLSearchParams(renderBody(body, scopeOf('', list)));
        list.forEach((url, i) => {
          expect(form.getAll(`media_urls[${i}]`)).toEqual([url]);
          expect(form.getAll(`Media${i + 1}`)).toEqual([url]);
        });
        expect([...form.keys()].length).toBe(2 * list.length);
      }),
    );
  });

  it('keeps every URL intact in a JSON array of URLs and of objects, nested or spliced', () => {
    const body = compiled(
      {
        text: '%sms_body%',
        media_urls: { $media: '%media_url%' },
        media: { $media: { url: '%media_url%', type: '%media_content_type%', n: 1 } },
        segments: [{ type: 'TEXT', text: '%sms_body%' }, { $media: { type: 'LINK', url: '%media_url%' } }],
      },
      'application/json',
    );
    fc.assert(
      fc.property(wellFormed, urls, (text, list) => {
        expect(JSON.parse(renderBody(body, scopeOf(text, list)))).toEqual({
          text,
          media_urls: list,
          media: list.map((url, i) => ({ url, type: `image/t${i}`, n: 1 })),
          segments: [{ type: 'TEXT', text }, ...list.map((url) => ({ type: 'LINK', url }))],
        });
      }),
    );
  });

  it('leaves the media fields out and the segments alone for a message without attachments', () => {
    const json = compiled(
      { text: '%sms_body%', media_urls: { $media: '%media_url%' }, seg: [{ t: 1 }, { $media: '%media_url%' }] },
      'application/json',
    );
    const form = compiled(
      { Body: '%sms_body%', MediaUrl: { $media: '%media_url%' } },
      'application/x-www-form-urlencoded',
    );
    expect(JSON.parse(renderBody(json, scopeOf('hi', [])))).toEqual({ text: 'hi', seg: [{ t: 1 }] });
    expect(renderBody(form, scopeOf('hi', []))).toBe('Body=hi');
  });

  it('keeps the first URL intact where %media_url% stands in a URL, a form, JSON or XML text template', () => {
    fc.assert(
      fc.property(urls, (list) => {
        const scope = scopeOf('', list);
        const of = (source: string, kind: TemplateKind) => {
          const { template, problems } = compileTemplate(source, kind, mediaKnown);
          expect(problems).toEqual([]);
          return renderTemplate(template, scope);
        };
        expect(
          new URL(of('https://e.com/mms?media=%media_url%&n=%media_count%', 'url')).searchParams.get('media'),
        ).toBe(list[0]);
        expect(new URLSearchParams(of('image=%media_url%&to=%sms_to%', 'form')).get('image')).toBe(list[0]);
        expect(JSON.parse(of('{"media_file": "%media_url%"}', 'json'))).toEqual({ media_file: list[0] });
        const xmlSafe = list[0] as string;
        if (!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xmlSafe))
          expect((parseXml(of('<m><u>%media_url%</u></m>', 'xml')) as { m: { u: string } }).m.u).toBe(xmlSafe);
      }),
    );
  });

  it('refuses misplaced $media nodes at load', () => {
    const problems = (shape: unknown, type: string) =>
      compileStructuredBody(shape, type, mediaKnown).problems.map((p) => `${p.pointer}: ${p.message}`);
    expect(problems({ a: { $media: { b: { $media: '%media_url%' } } } }, 'application/json')).toEqual([
      '/a/$media/b/$media: a $media node cannot stand inside another',
    ]);
    expect(problems({ a: { $media: { url: '%media_url%' } } }, 'application/x-www-form-urlencoded')).toContain(
      '/a/$media: in a form body, $media must be the value of a field and a text template',
    );
    expect(problems({ a: '%media_index%' }, 'application/json')[0]).toMatch(/^\/a: unknown placeholder %media_index%/);
  });
});
