/**
 * Acrobits Account XML, read and written. Reading: every element under the root is an account
 * key (its text, XML-decoded), `<rewriting>` holds number rules. Writing: the same shape back, so
 * import → export keeps every key.
 */
import { gather } from '../config/gather-issues.js';
import { validateAgainst } from '../config/schemas.js';
import { reservedElementIssues } from '../config/account-keys.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { RewritingRule } from '../generated/rewriting.js';
import { parseXml, xmlProblem } from '../response/xml.js';
import { escapeFor } from '../template/escape.js';

/** What an Account XML document holds. */
export interface AccountXml {
  readonly values: Record<string, string>;
  readonly rewriting: RewritingRule[] | undefined;
}

/**
 * Reads Account XML text; throws ConfigError with the line, key or rule that is wrong. With
 * `issues`, problems in the rewriting rules are added there instead (and the rules left out), so
 * a caller can report them together with the problems of the web services.
 */
export function readAccountXml(text: string, label: string, issues?: ConfigIssue[]): AccountXml {
  const problem = xmlProblem(text);
  if (problem)
    throw new ConfigError([
      {
        file: label,
        pointer: '',
        line: problem.line,
        message: `not well-formed XML: ${problem.message.replace(/\.$/, '')}${ampersandHint(text, problem.line)}`,
        code: 'SYNTAX',
      },
    ]);
  if (/<!ENTITY/i.test(text)) {
    throw new ConfigError([
      {
        file: label,
        pointer: '',
        message: 'declares DOCTYPE entities; Account XML may not (entities are never expanded)',
        code: 'SYNTAX',
      },
    ]);
  }
  const reserved = reservedElementIssues(text, label);
  if (reserved.length > 0) throw new ConfigError(reserved);
  const document = readDocument(text, label);
  const [rootName, rootValue] =
    Object.entries(document).find(([name]) => !name.startsWith('?') && !name.startsWith('!')) ?? [];
  if (rootName === undefined || Array.isArray(rootValue))
    throw new ConfigError([
      { file: label, pointer: '', message: 'has no single root element such as <account>', code: 'SCHEMA' },
    ]);
  // An element with only text (or nothing) inside has no keys.
  const root = (typeof rootValue === 'object' && rootValue !== null ? rootValue : {}) as Record<string, unknown>;
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(root)) {
    if (key !== 'rewriting' && !key.startsWith('@') && typeof value === 'string') values[key] = value.trim();
  }
  if (issues === undefined) return { values, rewriting: readRewriting(root.rewriting, label) };
  return { values, rewriting: gather(issues, () => readRewriting(root.rewriting, label)) };
}

/** A bare `&` (one that starts no entity or character reference). */
const BARE_AMPERSAND = /&(?![A-Za-z][\w.-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/;

/**
 * The most common mistake in hand-written Account XML is a URL or PostData with `&` between its
 * parameters, which XML reads as the start of an entity: say how to write it.
 */
function ampersandHint(text: string, line: number): string {
  const where = text.split('\n')[line - 1] ?? '';
  return BARE_AMPERSAND.test(where) ? '; in XML, write & as &amp; (a URL or PostData too: a=1&amp;b=2)' : '';
}

/** Parses the checked document; whatever the parser still refuses is a located problem, not a crash. */
function readDocument(text: string, label: string): Record<string, unknown> {
  try {
    return parseXml(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([
      { file: label, pointer: '', message: `cannot be read: ${(error as Error).message}`, code: 'SYNTAX' },
    ]);
  }
}

/** Reads `<rewriting><rule><conditions><condition type param/>…` into JSON rules. */
function readRewriting(node: unknown, label: string): RewritingRule[] | undefined {
  if (node === undefined) return undefined;
  if (node === '') return [];
  const list = (value: unknown): Record<string, unknown>[] =>
    value === undefined || value === ''
      ? []
      : (Array.isArray(value) ? value : [value]).filter(
          (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
        );
  const attrs = (item: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(item)
        .filter(([k]) => k.startsWith('@'))
        .map(([k, v]) => [k.slice(1), String(v)]),
    );
  const rules = list((node as Record<string, unknown>).rule).map((rule) => ({
    conditions: list(list(rule.conditions)[0]?.condition).map(attrs),
    actions: list(list(rule.actions)[0]?.action).map(attrs),
  }));
  const issues = validateAgainst('rewriting', rules, label).map((i) => ({
    ...i,
    pointer: `/rewriting${i.pointer}`,
    message: `rule ${ruleNumber(i.pointer)}: ${i.message}`,
  }));
  if (issues.length > 0) throw new ConfigError(issues);
  return rules as unknown as RewritingRule[];
}

function ruleNumber(pointer: string): string {
  const index = /^\/(\d+)/.exec(pointer)?.[1];
  return index === undefined ? '?' : `#${Number(index) + 1}`;
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Writes an Account XML document with `values` as elements and `rewriting` as rules. */
export function writeAccountXml(
  values: Readonly<Record<string, string>>,
  rewriting: readonly RewritingRule[] | undefined,
): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<account>'];
  for (const [key, value] of Object.entries(values)) {
    if (!XML_NAME.test(key))
      throw new ConfigError([
        { file: 'account', pointer: `/${key}`, message: 'cannot be an Account XML element name', code: 'SCHEMA' },
      ]);
    lines.push(`  <${key}>${escapeText(value)}</${key}>`);
  }
  if (rewriting !== undefined) lines.push(...writeRewriting(rewriting));
  lines.push('</account>');
  return lines.join('\n');
}

function writeRewriting(rules: readonly RewritingRule[]): string[] {
  if (rules.length === 0) return ['  <rewriting/>'];
  const attrs = (item: { type: string; param?: string }) =>
    `type="${escapeText(item.type)}"${item.param === undefined ? '' : ` param="${escapeText(item.param)}"`}`;
  const out = ['  <rewriting>'];
  for (const rule of rules) {
    out.push('    <rule>', '      <conditions>');
    for (const c of rule.conditions ?? []) out.push(`        <condition ${attrs(c)}/>`);
    out.push('      </conditions>', '      <actions>');
    for (const a of rule.actions ?? []) out.push(`        <action ${attrs(a)}/>`);
    out.push('      </actions>', '    </rule>');
  }
  out.push('  </rewriting>');
  return out;
}

/** XML text with every character kept exactly, newlines and tabs included. */
function escapeText(value: string): string {
  return escapeFor('xml', value);
}
