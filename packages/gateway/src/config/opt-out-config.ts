/**
 * The opt-out keywords of a gateway (`optOuts` in gateway.json), resolved once, and how an inbound
 * text is matched against them. The defaults are the CTIA list US carriers require (and the FCC's
 * 2024 consent rules name): STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT to opt out; START and
 * UNSTOP to opt back in; HELP and INFO for help.
 */
import type { GatewayFile } from 'switchboard/internal/generated/gateway.js';

/** What an inbound keyword does. */
export type KeywordKind = 'stop' | 'start' | 'help';

/** The words of one kind, as matched (upper case), and the reply to send, if any. */
export interface KeywordRule {
  readonly keywords: ReadonlySet<string>;
  readonly reply: string | undefined;
}

/** A reply owed to a keyword. */
export interface AutoReply {
  readonly login: string;
  readonly kind: KeywordKind;
  /** Our number, which received the keyword and sends the reply. */
  readonly ownNumber: string;
  /** Who sent the keyword. */
  readonly peer: string;
  readonly text: string;
}

/** `optOuts`, with defaults. */
export interface OptOutConfig {
  /** Read keywords from inbound messages. */
  readonly enabled: boolean;
  readonly stop: KeywordRule;
  readonly start: KeywordRule;
  readonly help: KeywordRule;
}

/** The default words of each kind. */
export const DEFAULT_KEYWORDS: Readonly<Record<KeywordKind, readonly string[]>> = {
  stop: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'],
  start: ['START', 'UNSTOP'],
  help: ['HELP', 'INFO'],
};

/** A text as keywords are compared: trimmed, inner spaces single, trailing punctuation dropped, upper case. */
function asKeyword(text: string): string {
  return text
    .trim()
    .replace(/[\s.!?,;:]+$/u, '')
    .replace(/\s+/gu, ' ')
    .toUpperCase();
}

/** Fills in the defaults of `optOuts`. */
export function resolveOptOuts(file: GatewayFile['optOuts'] = {}): OptOutConfig {
  const rule = (kind: KeywordKind): KeywordRule => ({
    keywords: new Set((file[kind]?.keywords ?? DEFAULT_KEYWORDS[kind]).map(asKeyword)),
    reply: file[kind]?.reply,
  });
  return { enabled: file.enabled ?? true, stop: rule('stop'), start: rule('start'), help: rule('help') };
}

/** The kind of keyword `text` is (the whole message is the word), or undefined. */
export function keywordOf(config: OptOutConfig, text: string): KeywordKind | undefined {
  if (!config.enabled || text.length > 64) return undefined;
  const word = asKeyword(text);
  for (const kind of ['stop', 'start', 'help'] as const) if (config[kind].keywords.has(word)) return kind;
  return undefined;
}
