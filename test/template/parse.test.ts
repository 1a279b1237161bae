import { describe, expect, it } from 'vitest';
import { compileTemplate, type KnownNames } from '../../src/template/compile.js';
import { parseTemplate } from '../../src/template/parse.js';
import { renderTemplate } from '../../src/template/render.js';

const known: KnownNames = {
  params: ['sms_to', 'sms_body'],
  accountKeys: ['username', 'password'],
  secrets: new Set(['password']),
};

describe('parseTemplate', () => {
  it('splits literal text from placeholders', () => {
    expect(parseTemplate('to=%sms_to%&u=%account[username]%')).toEqual([
      { kind: 'literal', text: 'to=' },
      { kind: 'placeholder', ref: { kind: 'param', name: 'sms_to' }, source: '%sms_to%' },
      { kind: 'literal', text: '&u=' },
      { kind: 'placeholder', ref: { kind: 'account', key: 'username' }, source: '%account[username]%' },
    ]);
  });

  it('keeps percent-encoding and lone percent signs as literal text', () => {
    for (const text of ['50%', '%2B1555', '%E2%82%AC', 'a % b', '100%%', '%20Hello%20']) {
      expect(parseTemplate(text)).toEqual([{ kind: 'literal', text }]);
    }
  });

  it('reads a placeholder right after percent-encoding', () => {
    const parts = parseTemplate('%E2%sms_to%');
    expect(parts[0]).toEqual({ kind: 'literal', text: '%E2' });
    expect(parts[1]).toMatchObject({ ref: { kind: 'param', name: 'sms_to' } });
  });

  it('parses function calls whose argument holds placeholders', () => {
    expect(parseTemplate('%sha1(%account[password]%:x)%')).toEqual([
      {
        kind: 'placeholder',
        source: '%sha1(%account[password]%:x)%',
        ref: {
          kind: 'call',
          fn: 'sha1',
          arg: [
            { kind: 'placeholder', ref: { kind: 'account', key: 'password' }, source: '%account[password]%' },
            { kind: 'literal', text: ':x' },
          ],
        },
      },
    ]);
  });
});

describe('compileTemplate', () => {
  it('refuses an unknown placeholder and lists the known ones', () => {
    const { problems } = compileTemplate('to=%sms_too%', 'form', known);
    expect(problems).toEqual([
      expect.stringContaining(
        'unknown placeholder %sms_too%; did you mean %sms_to%?; known here: %sms_to%, %sms_body%, %account[username]%, %account[password]%, %sha1(...)%',
      ),
    ]);
  });

  it('refuses an account key the provider does not declare', () => {
    expect(compileTemplate('%account[apikey]%', 'raw', known).problems).toEqual([
      expect.stringContaining(
        '%account[apikey]% names an account parameter the provider does not declare (declared: username, password)',
      ),
    ]);
  });

  it('refuses an unknown function', () => {
    expect(compileTemplate('%crc32(%sms_to%)%', 'raw', known).problems).toEqual([
      expect.stringContaining('unknown function %crc32(...)%'),
    ]);
  });

  it('refuses a placeholder in the URL scheme', () => {
    expect(compileTemplate('%sms_to%://x', 'url', known).problems).toEqual([
      expect.stringContaining('must start with a literal http:// or https://'),
    ]);
  });

  it('expands sha1 over the unescaped argument, as Acrobits does', () => {
    const { template } = compileTemplate('https://e.com/?h=%sha1(%account[password]%)%', 'url', known);
    expect(renderTemplate(template, { params: {}, account: { password: '12345678' } })).toBe(
      'https://e.com/?h=7c222fb2927d828af22f592134e8932480637c0d',
    );
  });

  it('never expands placeholders found inside values', () => {
    const { template } = compileTemplate('body=%sms_body%', 'form', known);
    expect(
      renderTemplate(template, { params: { sms_body: '%sms_to% %account[password]%' }, account: { password: 'x' } }),
    ).toBe('body=%25sms_to%25%20%25account%5Bpassword%5D%25');
  });

  it('masks secret values, also inside functions, when asked', () => {
    const { template } = compileTemplate(
      'p=%account[password]%&h=%sha1(%account[password]%)%&u=%account[username]%',
      'form',
      known,
    );
    expect(renderTemplate(template, { params: {}, account: { password: 'pw', username: 'me' } }, true)).toBe(
      'p=****&h=****&u=me',
    );
  });

  it('knows whether a placeholder stands inside or outside a JSON string', () => {
    const { template } = compileTemplate('{"a": "x \\" %sms_to%", "b": %sms_body%}', 'json', known);
    const contexts = template.parts.filter((p) => p.kind === 'value').map((p) => (p.kind === 'value' ? p.context : ''));
    expect(contexts).toEqual(['jsonString', 'jsonLiteral']);
  });
});
