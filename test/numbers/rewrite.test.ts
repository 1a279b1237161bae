import { describe, expect, it } from 'vitest';
import type { RewritingRule } from '../../src/generated/rewriting.js';
import { holds, rewriteNumber } from '../../src/numbers/rewrite.js';

describe('rewriting conditions', () => {
  const table: [string, string | undefined, string, boolean][] = [
    ['startsWith', '00', '0044123', true],
    ['startsWith', '00', '+44123', false],
    ['doesntStartWith', '+', '0044123', true],
    ['doesntStartWith', '+', '+44123', false],
    ['equals', '911', '911', true],
    ['equals', '911', '9110', false],
    ['contains', '555', '+15551231234', true],
    ['contains', '666', '+15551231234', false],
    ['lengthEquals', '12', '+15551231234', true],
    ['lengthEquals', '11', '+15551231234', false],
    ['shorterThan', '5', '1234', true],
    ['shorterThan', '4', '1234', false],
    ['longerThan', '3', '1234', true],
    ['longerThan', '4', '1234', false],
    ['numeric', undefined, '+15551231234', true],
    ['numeric', undefined, '15551231234', true],
    ['numeric', undefined, '+1 555', false],
    ['numeric', undefined, 'sip:1@x', false],
  ];
  it.each(table)('%s %s on %s holds: %s', (type, param, number, expected) => {
    expect(holds({ type: type as never, ...(param === undefined ? {} : { param }) }, number)).toBe(expected);
  });
});

describe('rewriting actions', () => {
  const rule = (
    conditions: NonNullable<RewritingRule['conditions']>,
    actions: NonNullable<RewritingRule['actions']>,
  ): RewritingRule => ({ conditions, actions });
  const table: [string, RewritingRule[], string, string][] = [
    [
      'replace swaps the prefix a startsWith matched',
      [rule([{ type: 'startsWith', param: '00' }], [{ type: 'replace', param: '+' }])],
      '0044123',
      '+44123',
    ],
    [
      'replace swaps the whole number an equals matched',
      [rule([{ type: 'equals', param: '112' }], [{ type: 'replace', param: '911' }])],
      '112',
      '911',
    ],
    [
      'replace swaps the first occurrence a contains matched',
      [rule([{ type: 'contains', param: '55' }], [{ type: 'replace', param: 'X' }])],
      '1555155',
      '1X5155',
    ],
    [
      'prepend adds text in front',
      [rule([{ type: 'lengthEquals', param: '10' }], [{ type: 'prepend', param: '+1' }])],
      '5551231234',
      '+15551231234',
    ],
    ['append adds text at the end', [rule([], [{ type: 'append', param: '#' }])], '123', '123#'],
    [
      'the first matching rule ends the run',
      [rule([{ type: 'numeric' }], [{ type: 'prepend', param: 'A' }]), rule([], [{ type: 'prepend', param: 'B' }])],
      '1',
      'A1',
    ],
    [
      'tryOthers lets the next rules run on the rewritten number',
      [
        rule([{ type: 'startsWith', param: '00' }], [{ type: 'replace', param: '+' }, { type: 'tryOthers' }]),
        rule([{ type: 'startsWith', param: '+1' }], [{ type: 'append', param: '!' }]),
      ],
      '001555',
      '+1555!',
    ],
    [
      'continue is Acrobits’ own name for tryOthers',
      [rule([], [{ type: 'prepend', param: '1' }, { type: 'continue' }]), rule([], [{ type: 'prepend', param: '2' }])],
      'x',
      '21x',
    ],
    [
      'a rule whose conditions do not all hold is skipped',
      [rule([{ type: 'numeric' }, { type: 'startsWith', param: '9' }], [{ type: 'prepend', param: 'A' }])],
      '123',
      '123',
    ],
    [
      'call-routing actions are accepted and ignored',
      [
        rule(
          [],
          [
            { type: 'overrideDialAction', param: 'voip' },
            { type: 'setHeader', param: 'X: y' },
            { type: 'append', param: '0' },
          ],
        ),
      ],
      '1',
      '10',
    ],
    ['no rules leave the number as it is', [], '+15551231234', '+15551231234'],
  ];
  it.each(table)('%s', (_name, rules, number, expected) => {
    expect(rewriteNumber(number, rules)).toBe(expected);
  });
});
