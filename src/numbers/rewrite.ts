/**
 * Acrobits number rewriting (DESIGN §3). Rules run top to bottom; a rule matches when all its
 * conditions hold; its actions apply in order; the run stops after the first matching rule unless
 * that rule says to try others (`tryOthers`, or `continue` as Acrobits names it internally).
 * Call-routing actions are accepted and ignored.
 */
import type { RewritingCondition, RewritingRule } from '../generated/rewriting.js';

/** Action names that let the following rules run. */
const TRY_OTHERS = new Set(['tryOthers', 'continue']);

/**
 * Rewrites `number` with `rules`.
 * @example rewriteNumber('0015551231234', [{ conditions: [{ type: 'startsWith', param: '00' }], actions: [{ type: 'replace', param: '+' }] }]) // '+15551231234'
 */
export function rewriteNumber(number: string, rules: readonly RewritingRule[]): string {
  let current = number;
  for (const rule of rules) {
    const conditions = rule.conditions ?? [];
    if (!conditions.every((c) => holds(c, current))) continue;
    let goOn = false;
    for (const action of rule.actions ?? []) {
      const param = action.param ?? '';
      if (action.type === 'replace') current = replaceMatched(current, conditions, param);
      else if (action.type === 'prepend') current = param + current;
      else if (action.type === 'append') current = current + param;
      else if (TRY_OTHERS.has(action.type)) goOn = true;
      // any other action routes calls; it means nothing for a message
    }
    if (!goOn) break;
  }
  return current;
}

/** Whether one condition holds. Lengths count every character, a leading `+` included. */
export function holds(condition: RewritingCondition, number: string): boolean {
  const param = condition.param ?? '';
  switch (condition.type) {
    case 'startsWith':
      return number.startsWith(param);
    case 'doesntStartWith':
      return !number.startsWith(param);
    case 'equals':
      return number === param;
    case 'contains':
      return number.includes(param);
    case 'lengthEquals':
      return number.length === Number(param);
    case 'shorterThan':
      return number.length < Number(param);
    case 'longerThan':
      return number.length > Number(param);
    case 'numeric':
      return /^\+?[0-9]+$/.test(number);
  }
}

/**
 * `replace` swaps the span matched by the rule's first text condition that still matches the
 * current number: the prefix for startsWith, the whole number for equals, the first occurrence
 * for contains. Without such a condition it replaces the whole number.
 */
function replaceMatched(number: string, conditions: readonly RewritingCondition[], replacement: string): string {
  for (const c of conditions) {
    const param = c.param ?? '';
    if (c.type === 'startsWith' && number.startsWith(param)) return replacement + number.slice(param.length);
    if (c.type === 'equals' && number === param) return replacement;
    if (c.type === 'contains' && param !== '' && number.includes(param))
      return number.replace(param, () => replacement);
  }
  return replacement;
}
