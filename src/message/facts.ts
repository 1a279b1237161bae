/**
 * Facts about a message text that providers count by: its encoding (GSM-7 when every character
 * is in the GSM 03.38 default alphabet or its extension table, else UCS-2), its length in that
 * encoding's units, and the number of SMS segments it takes.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '\f^{}\\[~]|€';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

/** The encoding a text needs. */
export type Encoding = 'GSM-7' | 'UCS-2';

/** What providers count. */
export interface MessageFacts {
  readonly encoding: Encoding;
  /** Septets for GSM-7 (an extension character counts 2), UTF-16 units for UCS-2. */
  readonly length: number;
  /** SMS segments: 160 (or 153 each when concatenated) for GSM-7, 70 (67) for UCS-2. */
  readonly parts: number;
}

const SINGLE = { 'GSM-7': 160, 'UCS-2': 70 } as const;
const MULTI = { 'GSM-7': 153, 'UCS-2': 67 } as const;

/** What a length counts: the encoding's own units (septets or UTF-16 units), or UTF-8 bytes. */
export type LengthUnit = Encoding | 'UTF-8';

/** The cost of one character in `unit`s. */
function units(char: string, unit: LengthUnit): number {
  if (unit === 'UTF-8') return utf8Bytes(char);
  if (unit === 'UCS-2') return char.length;
  return EXTENDED.has(char) ? 2 : 1;
}

/** The bytes of one code point (or a lone surrogate, which UTF-8 writes as U+FFFD) in UTF-8. */
function utf8Bytes(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  return code < 0x10000 ? 3 : 4;
}

/** The length of `text` in UTF-8 bytes, as a provider that counts bytes measures it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) bytes += utf8Bytes(char);
  return bytes;
}

/** The encoding, length and segments of `text`. */
export function messageFacts(text: string): MessageFacts {
  let gsmLength = 0;
  for (const char of text) {
    if (BASIC.has(char)) gsmLength += 1;
    else if (EXTENDED.has(char)) gsmLength += 2;
    else return withParts('UCS-2', text.length);
  }
  return withParts('GSM-7', gsmLength);
}

function withParts(encoding: Encoding, length: number): MessageFacts {
  const parts = length <= SINGLE[encoding] ? 1 : Math.ceil(length / MULTI[encoding]);
  return { encoding, length, parts };
}

/** The units a part may hold, for a limit in `unit`s. */
export function capacity(max: number, unit: 'characters' | 'segments' | 'utf8-bytes', encoding: Encoding): number {
  if (unit !== 'segments') return max;
  return max === 1 ? SINGLE[encoding] : max * MULTI[encoding];
}

/**
 * Cuts `text` into pieces of at most `size` units each, never inside a character (an emoji or an
 * extension character stays whole).
 */
export function splitText(text: string, size: number, encoding: LengthUnit): string[] {
  const pieces: string[] = [];
  let current = '';
  let used = 0;
  for (const char of text) {
    const cost = units(char, encoding);
    if (used + cost > size && current !== '') {
      pieces.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += cost;
  }
  if (current !== '' || pieces.length === 0) pieces.push(current);
  return pieces;
}
