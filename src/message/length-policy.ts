/**
 * Applies a provider's message-length rule: the texts to send for one message (one, a cut one, or
 * several parts), or the reason it is refused.
 */
import type { ProviderFile } from '../generated/provider.js';
import { capacity, messageFacts, splitText } from './facts.js';

/** The texts to send, or why not. */
export type LengthOutcome = { ok: true; texts: string[] } | { ok: false; message: string };

/** Applies `rule` (none: send as is) to `text`. */
export function applyLengthRule(text: string, rule: ProviderFile['messageLength']): LengthOutcome {
  if (rule === undefined || (rule.overflow ?? 'send') === 'send') return { ok: true, texts: [text] };
  const facts = messageFacts(text);
  const unit = rule.unit ?? 'characters';
  const size = capacity(rule.max, unit, facts.encoding);
  const measured = unit === 'segments' ? facts.parts : facts.length;
  if (measured <= rule.max) return { ok: true, texts: [text] };
  switch (rule.overflow ?? 'send') {
    case 'refuse':
      return {
        ok: false,
        message: `the message is ${measured} ${unit} long (${facts.encoding}); the provider takes at most ${rule.max}`,
      };
    case 'truncate':
      return { ok: true, texts: [splitText(text, size, facts.encoding)[0] ?? ''] };
    case 'split':
      // Each part is sent as a message of its own, each within the limit.
      return { ok: true, texts: splitText(text, size, facts.encoding) };
    case 'send':
      return { ok: true, texts: [text] };
  }
}
