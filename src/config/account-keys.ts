/**
 * Account keys are the account's own keys, never what a JavaScript object inherits: `constructor`,
 * `toString` or `__proto__` are no account value unless the account gives them.
 */
import type { ConfigIssue } from '../errors.js';

/**
 * Names refused as account keys. The Account XML reader refuses them as element names (they
 * would reach JavaScript object internals), so an account holding one could not travel between
 * its JSON and XML forms; `__proto__` cannot even be stored in a plain object by assignment.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The account's own value for `key`, or undefined: inherited properties are not account values. */
export function ownValue<T>(values: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(values, key) ? values[key] : undefined;
}

/** Whether `key` cannot be an account key. */
export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/** The issue for a reserved `key`; `pointer` (and `line`) say where it stands. */
export function reservedKeyIssue(key: string, file: string, pointer: string, line?: number): ConfigIssue {
  return {
    file,
    pointer,
    ...(line === undefined ? {} : { line }),
    message: `"${key}" cannot be an account key (it names JavaScript object internals, which Account XML refuses); rename it`,
    code: 'SCHEMA',
  };
}

/**
 * Every element name of `xml` that cannot be an account key, with its line. One pass, skipping
 * comments, CDATA, declarations and processing instructions, whose text names no element.
 */
export function reservedElementIssues(xml: string, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const name = /[A-Za-z_][\w.-]*/y;
  for (let at = xml.indexOf('<'); at !== -1; at = xml.indexOf('<', at + 1)) {
    const skipTo = SKIPPED.find(([open]) => xml.startsWith(open, at))?.[1];
    if (skipTo !== undefined) {
      const end = xml.indexOf(skipTo, at);
      if (end === -1) break;
      at = end;
      continue;
    }
    name.lastIndex = at + 1;
    const found = name.exec(xml)?.[0];
    if (found !== undefined && RESERVED_KEYS.has(found))
      issues.push(reservedKeyIssue(found, file, `/${found}`, lineAt(xml, at)));
  }
  return issues;
}

const SKIPPED: readonly (readonly [string, string])[] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
  ['<!', '>'],
];

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
