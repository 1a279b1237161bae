/**
 * Issue 9, item 14: an unpaired UTF-16 surrogate in an XML body silently became U+FFFD on the wire,
 * while URL and form positions refused it. It is refused in every position now (RENDER_FAILED for
 * a send), and well-formed text still arrives exactly.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import { createConnector, type Connector } from '../../src/connector/connector.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { compileStructuredBody, compileTextBody, renderBody } from '../../src/template/body.js';
import { compileTemplate, type KnownNames } from '../../src/template/compile.js';
import type { TemplateKind } from '../../src/template/contexts.js';
import { RenderError } from '../../src/template/escape.js';
import { renderTemplate } from '../../src/template/render.js';

const known: KnownNames = { params: ['sms_to', 'sms_body'], accountKeys: [], secrets: new Set() };
const scope = (value: string) => ({ params: { sms_body: value, sms_to: '+15551231234' }, account: {} });

/** Every position a value can stand in, each as a function rendering `value` there. */
const positions: Record<string, (value: string) => string> = {};
const templates: [string, TemplateKind, string][] = [
  ['URL query', 'url', 'https://e.com/send?body=%sms_body%'],
  ['URL path', 'url', 'https://e.com/send/%sms_body%'],
  ['form', 'form', 'to=%sms_to%&body=%sms_body%'],
  ['JSON string', 'json', '{"body": "%sms_body%"}'],
  ['XML text', 'xml', '<sms><body>%sms_body%</body></sms>'],
  ['XML attribute', 'xml', '<sms body="%sms_body%"/>'],
  ['XML CDATA', 'xml', '<sms><body><![CDATA[%sms_body%]]></body></sms>'],
  ['header', 'header', 'X %sms_body%'],
  ['raw text body', 'raw', 'Message: %sms_body%'],
  ['function argument', 'raw', '%base64(%sms_body%)%'],
];
for (const [name, kind, source] of templates) {
  const { template, problems } = compileTemplate(source, kind, known);
  if (problems.length > 0) throw new Error(problems.join('; '));
  positions[name] = (value) => renderTemplate(template, scope(value));
}
for (const [name, contentType] of [
  ['structured JSON body', 'application/json'],
  ['structured form body', 'application/x-www-form-urlencoded'],
] as const) {
  const { body } = compileStructuredBody({ to: '%sms_to%', text: ['%sms_body%'] }, contentType, known);
  const flat = compileStructuredBody({ to: '%sms_to%', text: '%sms_body%' }, contentType, known).body;
  positions[name] = (value) => renderBody(contentType.endsWith('json') ? body : flat, scope(value));
}

const lone = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D');
const wellFormed = fc.string({ unit: 'grapheme' });
const withLone = fc
  .tuple(wellFormed, lone, wellFormed)
  .map(([a, s, b]) => `${a}${s}${b}`)
  // A high half followed by text that starts with a low half would pair up.
  .filter((v) => /\p{Cs}/u.test(v));

describe('unpaired surrogates', () => {
  it.each(Object.keys(positions))('are refused in position: %s', (name) => {
    const render = positions[name]!;
    fc.assert(
      fc.property(withLone, (value) => {
        expect(() => render(value)).toThrow(RenderError);
      }),
      { numRuns: 100 },
    );
  });

  it('are no problem as a well-formed pair, which arrives as one character in every position that takes it', () => {
    for (const name of ['URL query', 'form', 'JSON string', 'XML text', 'XML CDATA', 'raw text body']) {
      expect(() => positions[name]!('😀 \uD83D\uDE00')).not.toThrow();
    }
    expect(JSON.parse(positions['JSON string']!('a\uD83D\uDE00b'))).toEqual({ body: 'a😀b' });
    expect(new URL(positions['URL query']!('a😀b')).searchParams.get('body')).toBe('a😀b');
  });

  it('in a template literal are a load problem, not a request', () => {
    const { problems } = compileTextBody('<a>\uD800%sms_body%</a>', 'application/xml', known);
    expect(problems).toEqual([expect.stringContaining('unpaired UTF-16 surrogate')]);
  });
});

describe('a send with an unpaired surrogate in an XML body', () => {
  let server: RecordingServer | undefined;
  let connector: Connector | undefined;
  afterEach(async () => {
    await connector?.close();
    await server?.close();
  });

  it('fails with RENDER_FAILED and sends nothing, where it used to arrive as U+FFFD', async () => {
    server = await startRecordingServer(() => ({ status: 200 }));
    const provider = providerFromValue(
      {
        id: 'xmlsms',
        name: 'XML SMS',
        docs: 'https://example.com/docs',
        parameters: {},
        services: {
          sendMessage: {
            url: 'https://e.com/send',
            contentType: 'application/xml',
            postData: '<sms><to>%sms_to%</to><body>%sms_body%</body></sms>',
          },
        },
      },
      'xmlsms.json',
    );
    const account = accountFromValue({ provider: 'xmlsms' }, 'a.account.json', undefined);
    connector = createConnector({ provider, account, origin: server.origin, retry: false });
    const [result] = await connector.sendMessage({ to: ['+15551231234'], body: 'half \uD83D of a smiley' });
    expect(result).toMatchObject({ ok: false, code: 'RENDER_FAILED', retryable: false });
    expect(result?.error).toContain('unpaired UTF-16 surrogate');
    expect(server.requests).toEqual([]);
  });
});
