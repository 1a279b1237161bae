/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * Acrobits number rewriting rules, as JSON. Rules run top to bottom on the recipient number; a rule matches when all its conditions hold, its actions then apply in order, and the run stops after the first matching rule unless that rule has the `tryOthers` action.
 */
export type RewritingRules = RewritingRule[];

/**
 * One rule: every condition must hold for its actions to run.
 */
export interface RewritingRule {
  /**
   * Conditions on the number as it is when the rule is tried. All must hold. An empty list always matches.
   */
  conditions?: RewritingCondition[];
  /**
   * Actions applied in order when the rule matches.
   */
  actions?: RewritingAction[];
}
/**
 * One test on the number. Lengths count every character, a leading `+` included.
 */
export interface RewritingCondition {
  /**
   * startsWith / doesntStartWith / equals / contains compare with `param` as text; lengthEquals / shorterThan / longerThan compare the length with the number in `param`; numeric holds when the number is only digits, optionally after one leading `+`.
   */
  type:
    | 'startsWith'
    | 'doesntStartWith'
    | 'equals'
    | 'contains'
    | 'lengthEquals'
    | 'shorterThan'
    | 'longerThan'
    | 'numeric';
  /**
   * The text or length the condition compares with. Not used by `numeric`.
   */
  param?: string;
}
/**
 * One change to the number. `replace` swaps the span the first matching text condition matched (the prefix for startsWith, the whole number for equals, the first occurrence for contains; the whole number when no such condition) for `param`; `prepend` and `append` add `param`; `tryOthers` lets the following rules run on the rewritten number. Call-routing actions of Acrobits (overrideDialAction, setHeader, callThrough, ...) are accepted and ignored.
 */
export interface RewritingAction {
  /**
   * replace, prepend, append or tryOthers; any other name is a call-routing action, kept and ignored for messages.
   */
  type: string;
  /**
   * The text the action inserts.
   */
  param?: string;
}
