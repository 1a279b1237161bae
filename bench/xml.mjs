// What a hostile XML response costs to read, at the size cap (issue 16: XML is read by
// fast-xml-parser, responses only up to MAX_XML_RESPONSE_CHARS, 64 KB). The shapes are those of
// test/issues/xml-hostile-bodies.test.ts. Each is read `--runs` times through parseBody (attributes
// on: the worst case); the median is printed next to the baseline, a well-formed response of the
// same size (a list of messages, as a Fetch Messages answer has), read the same way.
// Usage: npm run bench:xml [-- --runs 15 --strict]   Target: every shape under 100 ms.
// Exit 0 always (a measurement), 1 with --strict when a shape misses the target.
import { parseArgs } from 'node:util';
import { parseBody } from '../dist/response/parse-body.js';
import { MAX_XML_RESPONSE_CHARS as CAP } from '../dist/response/xml.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, strict: { type: 'boolean' } } });
const runs = Number(values.runs);
const TARGET_MS = 100;

const fill = (unit, head = '<r>', tail = '</r>') =>
  head + unit.repeat(Math.floor((CAP - head.length - tail.length) / unit.length)) + tail;

const shapes = {
  'baseline: a list of messages': fill(
    '<message><id>1234567</id><from>+15551230001</from><text>Hello</text></message>',
  ),
  'CDATA openings in a comment': fill('<![CDATA[', '<r><!--', '--></r>'),
  'CDATA openings in a processing instruction': fill('<![CDATA[', '<?x ', '?><r/>'),
  'CDATA openings in an attribute': fill('<![CDATA[', '<r a="', '"/>'),
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
  'a character reference of the whole body': '<r>&#' + '1'.repeat(CAP - 9) + '</r>',
  'many entity references': fill('&amp;&foo;'),
  'a DOCTYPE subset that never closes': '<!DOCTYPE r [' + '<!ENTITY x "y">'.repeat(CAP / 16),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const body of Object.values(shapes)) parseBody(body, 'application/xml'); // warm up
console.log(`XML read at the cap (${CAP} characters), median of ${runs} runs, target < ${TARGET_MS} ms`);
let baseline;
let missed = false;
for (const [name, body] of Object.entries(shapes)) {
  const times = [];
  let format;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    format = parseBody(body, 'application/xml').format;
    times.push(performance.now() - started);
  }
  const ms = median(times);
  baseline ??= ms;
  if (ms >= TARGET_MS) missed = true;
  const verdict = ms < TARGET_MS ? 'ok' : 'MISSED';
  console.log(
    `  ${name.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms  ${(ms / baseline).toFixed(2).padStart(6)}× baseline  ${format.padEnd(4)}  ${verdict}`,
  );
}
if (missed && values.strict) process.exitCode = 1;
