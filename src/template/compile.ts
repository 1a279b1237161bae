/**
 * Compiles a template at load time: parse once, check every placeholder against the names the
 * service knows, and fix the escaping context of each. Rendering then only joins parts.
 */
import { placeholderContexts, type TemplateKind } from './contexts.js';
import { loneSurrogateAt, type Context } from './escape.js';
import { TEMPLATE_FUNCTIONS } from './functions.js';
import { parseTemplate, placeholders, type Part, type Ref } from './parse.js';
import { didYouMean } from '../config/nearest.js';

/** The names a template may use. */
export interface KnownNames {
  /** Service and global parameters, used as `%name%`. */
  readonly params: readonly string[];
  /** Account keys usable as `%account[KEY]%`, or `'any'` when the account defines its own services. */
  readonly accountKeys: readonly string[] | 'any';
  /** Account keys whose values are secret. */
  readonly secrets: ReadonlySet<string>;
}

/** A compiled part: literal text, or a value to expand and escape for its context. */
export type CompiledPart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'value'; readonly ref: Ref; readonly context: Context; readonly secret: boolean };

/** A template ready to render. */
export interface CompiledTemplate {
  readonly source: string;
  readonly kind: TemplateKind;
  readonly parts: readonly CompiledPart[];
  /** True when some placeholder reads a secret account value. */
  readonly usesSecret: boolean;
  /**
   * True when a value can change the document's structure (a bare JSON value), so the rendered
   * text must be parsed again before sending. Everywhere else escaping keeps the structure by
   * construction, and the load-time rehearsal has checked the template itself.
   */
  readonly structural: boolean;
  /** Service and global parameter names the template reads. */
  readonly params: ReadonlySet<string>;
}

/** Compiles `source`; problems come back as messages, never thrown. */
export function compileTemplate(
  source: string,
  kind: TemplateKind,
  known: KnownNames,
): { template: CompiledTemplate; problems: string[] } {
  const parsed = parseTemplate(source);
  const problems = unknownNames(parsed, known);
  const contexts = placeholderContexts(parsed, kind);
  let index = 0;
  const parts: CompiledPart[] = parsed.map((part) => {
    if (part.kind === 'literal') {
      if (loneSurrogateAt(part.text) !== -1)
        problems.push('contains an unpaired UTF-16 surrogate, which no request can carry');
      return part;
    }
    const context = contexts[index++] as Context;
    if (!CONTEXTS.has(context)) problems.push(`${part.source}: ${context}`);
    return { kind: 'value', ref: part.ref, context, secret: readsSecret(part.ref, known.secrets) };
  });
  const usesSecret = parts.some((p) => p.kind === 'value' && p.secret);
  const structural = parts.some((p) => p.kind === 'value' && p.context === 'jsonLiteral');
  const params = new Set<string>();
  for (const ref of placeholders(parsed)) if (ref.kind === 'param') params.add(ref.name);
  return { template: { source, kind, parts, usesSecret, structural, params }, problems };
}

const CONTEXTS = new Set<string>([
  'urlAuthority',
  'urlComponent',
  'form',
  'jsonString',
  'jsonLiteral',
  'xml',
  'xmlCdata',
  'header',
  'raw',
]);

function unknownNames(parts: readonly Part[], known: KnownNames): string[] {
  const problems: string[] = [];
  for (const ref of placeholders(parts)) {
    if (ref.kind === 'param' && !known.params.includes(ref.name)) {
      const hint = didYouMean(ref.name, knownTokens(known, ref.name), (t) => `%${t}%`);
      problems.push(`unknown placeholder %${ref.name}%${hint}; known here: ${describeKnown(known)}`);
    } else if (ref.kind === 'account' && known.accountKeys !== 'any' && !known.accountKeys.includes(ref.key)) {
      const keys = known.accountKeys.length ? known.accountKeys.join(', ') : 'none declared';
      const hint = didYouMean(ref.key, known.accountKeys, (k) => `%account[${k}]%`);
      problems.push(
        `%account[${ref.key}]% names an account parameter the provider does not declare${hint} (declared: ${keys}); add it to "parameters"`,
      );
    } else if (ref.kind === 'call' && !(ref.fn in TEMPLATE_FUNCTIONS)) {
      const hint = didYouMean(ref.fn, Object.keys(TEMPLATE_FUNCTIONS), (f) => `%${f}(...)%`);
      problems.push(
        `unknown function %${ref.fn}(...)%${hint}; known functions: ${Object.keys(TEMPLATE_FUNCTIONS).join(', ')}`,
      );
    }
  }
  return problems;
}

/**
 * Every placeholder name usable here, as written between the `%`s (`sms_to`, `account[from]`).
 * Where any account key is usable, the key `name` itself names (`from` in `acount[from]`) is.
 */
function knownTokens(known: KnownNames, name: string): string[] {
  const named = /\[([^\]]+)\]$/.exec(name)?.[1];
  const keys = known.accountKeys !== 'any' ? known.accountKeys : named === undefined ? [] : [named];
  return [...known.params, ...keys.map((k) => `account[${k}]`)];
}

function describeKnown(known: KnownNames): string {
  const params = known.params.map((p) => `%${p}%`);
  const account = known.accountKeys === 'any' ? ['%account[KEY]%'] : known.accountKeys.map((k) => `%account[${k}]%`);
  const fns = Object.keys(TEMPLATE_FUNCTIONS).map((f) => `%${f}(...)%`);
  return [...params, ...account, ...fns].join(', ');
}

function readsSecret(ref: Ref, secrets: ReadonlySet<string>): boolean {
  for (const inner of ref.kind === 'call' ? placeholders(ref.arg) : [ref]) {
    if (inner.kind === 'account' && secrets.has(inner.key)) return true;
  }
  return false;
}

/** Whether a URL template fills in the host (or port) itself, so where it goes is known only per request. */
export function templatesHost(url: CompiledTemplate): boolean {
  return url.parts.some((p) => p.kind === 'value' && p.context === 'urlAuthority');
}
