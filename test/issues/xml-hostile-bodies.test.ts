/**
 * Issue 9, item 5: a hostile XML body must not freeze the process. Issue 16: XML is read by
 * fast-xml-parser, and a response only up to MAX_XML_RESPONSE_CHARS, so each shape below is read
 * (or refused) at that size in far less than the bound, which only catches a reader gone quadratic
 * or worse on a loaded machine (the first hand-written reader took ~20 s on the first shape at
 * 1 MB). `npm run bench:xml` measures the same shapes; past the cap nothing is read.
 */
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../src/response/parse-body.js';
import { MAX_XML_RESPONSE_CHARS, xmlProblem } from '../../src/response/xml.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const MB = 1 << 20;
const CAP = MAX_XML_RESPONSE_CHARS;
const BOUND_MS = 1000;

/** `unit` repeated to about `size` characters (default the cap), between `head` and `tail`. */
function fill(unit: string, head = '<r>', tail = '</r>', size = CAP): string {
  return head + unit.repeat(Math.floor((size - head.length - tail.length) / unit.length)) + tail;
}

const shapes: Record<string, string> = {
  'CDATA openings without an end, inside a comment': fill('<![CDATA[', '<r><!--', '--></r>'),
  'CDATA openings without an end, inside a processing instruction': fill('<![CDATA[', '<?x ', '?><r/>'),
  'CDATA openings without an end, in an attribute': fill('<![CDATA[', '<r a="', '"/>'),
  'unterminated CDATA sections': fill('<![CDATA[', '<r>', ''),
  'unterminated comments': fill('<!--', '<r>', ''),
  'unterminated processing instructions': fill('<?x ', '<r>', ''),
  'deeply nested tags': '<a>'.repeat(CAP / 8) + '</a>'.repeat(CAP / 8),
  'a body of opening tags': '<a>'.repeat(CAP / 3),
  'many attributes on one element': '<r ' + Array.from({ length: CAP / 12 }, (_, i) => `a${i}="1"`).join(' ') + '/>',
  'many sibling elements': fill('<a/>'),
  'many sibling elements with attributes': fill('<a b="1" c="2"/>'),
  'an attribute value that never closes': '<r a="' + 'x'.repeat(CAP - 7),
  'entity-like text without semicolons': fill('&#x'),
  'a character reference of the whole body in digits': '<r>&#' + '1'.repeat(CAP - 9) + '</r>',
  'many entity references': fill('&amp;&foo;'),
  'a DOCTYPE whose internal subset never closes': '<!DOCTYPE r [' + '<!ENTITY x "y">'.repeat(CAP / 16),
};

describe('reading a hostile XML body at the size cap', () => {
  const server = useServers();

  for (const [name, body] of Object.entries(shapes)) {
    it(`reads ${name} in well under a second`, () => {
      expect(body.length).toBeLessThanOrEqual(CAP);
      const started = performance.now();
      const parsed = parseBody(body, 'application/xml');
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
      expect(['xml', 'text']).toContain(parsed.format);
    });
  }

  it('reads nothing past the cap: a longer body is unreadable, whatever it holds', () => {
    const body = fill('<a/>', '<r>', '</r>', MB);
    expect(parseBody(body, 'application/xml')).toEqual({
      format: 'text',
      problem: `the response is not readable XML (${body.length} characters; XML is read up to ${CAP})`,
    });
    const fits = fill('<a/>');
    expect(parseBody(fits, 'application/xml').format).toBe('xml');
  });

  it('answers a send whose XML response passes the cap as unreadable, quoting its first 100 characters', async () => {
    const body = '<response><status>ok</status>' + '<x/>'.repeat(CAP / 4) + '</response>';
    const s = await server(() => ({ status: 200, headers: { 'content-type': 'text/xml' }, body }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/?to=%sms_to%',
        response: { success: [{ pointer: '/response/status', equals: 'ok' }] },
      }),
      {},
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_REJECTED', error: body.slice(0, 100) });
  });

  it('reads attributes only when asked, and then as @name', () => {
    const body = '<r status="ok"><id n="1">42</id></r>';
    expect(parseBody(body, 'text/xml', 'auto', { attributes: false })).toEqual({
      format: 'xml',
      document: { r: { id: '42' } },
    });
    expect(parseBody(body, 'text/xml')).toEqual({
      format: 'xml',
      document: { r: { '@status': 'ok', id: { '@n': '1', '#text': '42' } } },
    });
  });

  it('refuses an unterminated CDATA section instead of reading on', () => {
    // fast-xml-parser's validator names the element the section leaves open.
    expect(xmlProblem('<r><![CDATA[never closed</r>')).toEqual({ message: "Unclosed tag 'r'.", line: 1 });
  });

  it('refuses a second root element, which the validator lets pass', () => {
    expect(xmlProblem('<r/>\n<s/>')).toEqual({ message: 'a second root element <s>', line: 2 });
  });

  it('refuses nesting deeper than the readers of the tree can walk', () => {
    expect(xmlProblem('<a>'.repeat(300) + '</a>'.repeat(300))?.message).toBe('elements nest deeper than 256 levels');
  });

  it('still reads CDATA, comments, references and repeated elements as before', () => {
    const parsed = parseBody(
      '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "x">]><r a="&lt;1&gt;"><!-- c --><m>1</m><m><![CDATA[<b>&amp;\r\n]]>&#65;&e;</m></r>',
      'text/xml',
    );
    expect(parsed).toEqual({ format: 'xml', document: { r: { m: ['1', '<b>&amp;\nA&e;'], '@a': '<1>' } } });
  });
});
