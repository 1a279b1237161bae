/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * Acrobits number rewriting rules, run before the provider's own.
 */
export type RewritingRules = RewritingRule[];
/**
 * An account value: text, a number or a boolean, or {"env": "NAME"} to read it from an environment variable when the account is loaded.
 */
export type AccountValue = string | number | boolean | EnvValue;

/**
 * A user's account: the flat JSON mirror of an Acrobits Account XML document. Every key other than the reserved ones below is an account value, used in templates as %account[KEY]%. It either names a provider, or defines its own web services with the Acrobits keys (genericSmsSendUrl, genericSmsPostData, genericSmsContentType, ...), exactly as Account XML does.
 */
export interface AccountFile {
  /**
   * Path or URL of this schema, so editors can validate and autocomplete the file.
   */
  $schema?: string;
  /**
   * A built-in provider id (see `switchboard providers`) or a path to a provider file, relative to this account file. Leave it out when the account defines its own web services (genericSmsSendUrl, ...).
   */
  provider?: string;
  /**
   * ISO 3166-1 alpha-2 country assumed for numbers typed without a country code, e.g. US.
   */
  defaultCountry?: string;
  rewriting?: RewritingRules;
  /**
   * Allow this account's secrets to travel over plain http:// to a host that is not loopback.
   */
  allowInsecureSecrets?: boolean;
  /**
   * What happens to a message with attachments that the provider (or the destination) cannot take: refuse (the default) fails it with MEDIA_NOT_SUPPORTED and sends nothing; text-with-link sends the text with each attachment's URL on a line of its own after it.
   */
  mediaFallback?: 'refuse' | 'text-with-link';
  /**
   * Replace scheme, host and port of every URL of the account's provider, e.g. http://127.0.0.1:8080 for a local test server or https://sandbox.example.com for a sandbox; the same as `send --origin` (which wins when both are given), in every command and in the gateway.
   */
  origin?: string;
  [k: string]: AccountValue | string | RewritingRules | boolean | 'refuse' | 'text-with-link' | undefined;
}
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
/**
 * Read the value from an environment variable when the account is loaded.
 */
export interface EnvValue {
  /**
   * Name of the environment variable.
   */
  env: string;
}
