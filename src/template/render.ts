/**
 * Renders a compiled template: literal parts joined with escaped values. Escaping is by
 * construction; the only way a value enters the output is through `escapeFor`.
 */
import type { CompiledTemplate } from './compile.js';
import type { Attachment } from '../generated/attachment.js';
import { assertWellFormed, escapeFor } from './escape.js';
import { TEMPLATE_FUNCTIONS } from './functions.js';
import type { Part, Ref } from './parse.js';

/** The values placeholders expand to. A missing value expands to the empty string, as in Acrobits. */
export interface Scope {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly account: Readonly<Record<string, string | undefined>>;
  /** The message's attachments, for `{"$media": ...}` nodes of a structured body; none when absent. */
  readonly media?: readonly Attachment[];
}

/** Text that stands for a secret in masked output. */
export const MASK = '****';

/**
 * Renders `template` with `scope`. With `mask`, values that read secrets become `****` and are not
 * escaped (the output is for people, not for sending). Throws RenderError when a value cannot stand
 * in its position.
 */
export function renderTemplate(template: CompiledTemplate, scope: Scope, mask = false): string {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'literal') out += part.text;
    else if (mask && part.secret) out += MASK;
    else out += escapeFor(part.context, expand(part.ref, scope));
  }
  return out;
}

/** The unescaped value of one placeholder. */
function expand(ref: Ref, scope: Scope): string {
  switch (ref.kind) {
    case 'param': {
      // Parameters share a base object through the prototype, so own keys cannot be asked for;
      // what Object.prototype adds (`toString`, `constructor`) is never text, so text is the test.
      const value = scope.params[ref.name];
      return typeof value === 'string' ? value : '';
    }
    case 'account':
      // Own keys only: `constructor` or `toString` are no account value unless the account gives them.
      return (Object.hasOwn(scope.account, ref.key) ? scope.account[ref.key] : undefined) ?? '';
    case 'call': {
      // A function's input is text the user typed too: base64 or a hash would hide a lone surrogate.
      const input = expandRaw(ref.arg, scope);
      assertWellFormed(input);
      return (TEMPLATE_FUNCTIONS[ref.fn] ?? String)(input);
    }
  }
}

function expandRaw(parts: readonly Part[], scope: Scope): string {
  let out = '';
  for (const part of parts) out += part.kind === 'literal' ? part.text : expand(part.ref, scope);
  return out;
}
