/**
 * Applies a provider's message-length rule: the texts to send for one message (one, a cut one, or
 * several parts), or the reason it is refused.
 */
import type { MessageLengthRule, ProviderFile } from '../generated/provider.js';
import { capacity, messageFacts, splitText, utf8Length, type Encoding, type LengthUnit } from './facts.js';

/** The texts to send, or why not. */
export type LengthOutcome = { ok: true; texts: string[] } | { ok: false; message: string };

/** Applies `rule` (none: send as is) to `text`. */
export function applyLengthRule(text: string, rule: ProviderFile['messageLength']): LengthOutcome {
  if (rule === undefined || (rule.overflow ?? 'send') === 'send') return { ok: true, texts: [text] };
  const facts = messageFacts(text);
  const unit = rule.unit ?? 'characters';
  const max = maxFor(rule, facts.encoding);
  const size = capacity(max, unit, facts.encoding);
  const measured = unit === 'segments' ? facts.parts : unit === 'utf8-bytes' ? utf8Length(text) : facts.length;
  if (measured <= max) return { ok: true, texts: [text] };
  // Bytes are cut by their own cost, whatever SMS encoding the text needs.
  const counted: LengthUnit = unit === 'utf8-bytes' ? 'UTF-8' : facts.encoding;
  const shownUnit = unit === 'utf8-bytes' ? 'UTF-8 bytes' : unit;
  switch (rule.overflow ?? 'send') {
    case 'refuse':
      return {
        ok: false,
        message: `the message is ${measured} ${shownUnit} long (${facts.encoding}); the provider takes at most ${max}`,
      };
    case 'truncate':
      return { ok: true, texts: [splitText(text, size, counted)[0] ?? ''] };
    case 'split':
      // Each part is sent as a message of its own, each within the limit.
      return { ok: true, texts: splitText(text, size, counted) };
    case 'send':
      return { ok: true, texts: [text] };
  }
}

/** The limit for a text in `encoding`: the rule's one number, or its number for that encoding. */
function maxFor(rule: MessageLengthRule, encoding: Encoding): number {
  return typeof rule.max === 'number' ? rule.max : rule.max[encoding];
}
