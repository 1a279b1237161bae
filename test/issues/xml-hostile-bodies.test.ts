/**
 * Issue 9, item 5: a hostile XML body must not freeze the process. Reading XML is linear in the
 * body's size, so each 1 MB shape below is read (or refused) in far less than the bound, which
 * only catches a reader that is quadratic or worse (the old one took ~20 s on the first shape).
 */
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../src/response/parse-body.js';
import { xmlProblem } from '../../src/response/xml.js';

const MB = 1 << 20;
const BOUND_MS = 1000;

/** `unit` repeated to about 1 MB, between `head` and `tail`. */
function fill(unit: string, head = '<r>', tail = '</r>'): string {
  return head + unit.repeat(Math.floor((MB - head.length - tail.length) / unit.length)) + tail;
}

const shapes: Record<string, string> = {
  'CDATA openings without an end, inside a comment': fill('<![CDATA[', '<r><!--', '--></r>'),
  'CDATA openings without an end, inside a processing instruction': fill('<![CDATA[', '<?x ', '?><r/>'),
  'CDATA openings without an end, in an attribute': fill('<![CDATA[', '<r a="', '"/>'),
  'unterminated CDATA sections': fill('<![CDATA[', '<r>', ''),
  'unterminated comments': fill('<!--', '<r>', ''),
  'unterminated processing instructions': fill('<?x ', '<r>', ''),
  'deeply nested tags': '<a>'.repeat(MB / 8) + '</a>'.repeat(MB / 8),
  'a megabyte of opening tags': '<a>'.repeat(MB / 3),
  'many attributes on one element': '<r ' + Array.from({ length: MB / 12 }, (_, i) => `a${i}="1"`).join(' ') + '/>',
  'many sibling elements': fill('<a/>'),
  'an attribute value that never closes': '<r a="' + 'x'.repeat(MB),
  'entity-like text without semicolons': fill('&#x'),
  'a character reference with a megabyte of digits': '<r>&#' + '1'.repeat(MB) + '</r>',
  'many entity references': fill('&amp;&foo;'),
  'a DOCTYPE whose internal subset never closes': '<!DOCTYPE r [' + '<!ENTITY x "y">'.repeat(MB / 15),
};

describe('reading a hostile 1 MB XML body', () => {
  for (const [name, body] of Object.entries(shapes)) {
    it(`reads ${name} in well under a second`, () => {
      const started = performance.now();
      const parsed = parseBody(body, 'application/xml');
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
      expect(['xml', 'text']).toContain(parsed.format);
    });
  }

  it('refuses an unterminated CDATA section, naming it, instead of reading on', () => {
    expect(xmlProblem('<r><![CDATA[never closed</r>')).toEqual({ message: 'a CDATA section is never closed', line: 1 });
  });

  it('refuses nesting deeper than the readers of the tree can walk', () => {
    expect(xmlProblem('<a>'.repeat(300) + '</a>'.repeat(300))?.message).toBe('elements nest deeper than 256 levels');
  });

  it('still reads CDATA, comments, references and repeated elements as before', () => {
    const parsed = parseBody(
      '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "x>">]><r a="&lt;1&gt;"><!-- c --><m>1</m><m><![CDATA[<b>&amp;\r\n]]>&#65;&e;</m></r>',
      'text/xml',
    );
    expect(parsed).toEqual({ format: 'xml', document: { r: { m: ['1', '<b>&amp;\nA&e;'], '@a': '<1>' } } });
  });
});
