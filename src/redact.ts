/**
 * The one place secrets are removed from text that someone else wrote: response bodies and
 * headers, a provider's error text, network error messages. Requests we render are masked by
 * position instead (the renderer knows where each secret went, see template/render.ts), so a
 * recipient or a message text that happens to contain a short secret is never touched there.
 *
 * Here nothing says where a secret stands, so every encoding a server may have echoed it in is
 * searched: as typed, percent-encoded (either hex case, `+` or `%20` for space), JSON- and
 * XML-escaped, and the base64 of HTTP Basic credentials. How short secrets are treated is a
 * choice, see {@link MASK_ANYWHERE_FROM}.
 */
import { secretEncodings } from './secret-encodings.js';
import { MASK } from './template/render.js';

/**
 * Replaces every secret, in every encoding, with `****`. `cut`: the text was cut off at its end
 * (a response over the size limit), so a secret's first characters there are masked too.
 */
export type Redactor = (text: string, cut?: boolean) => string;

/**
 * Secrets at least this long (in characters) are masked wherever they appear. A shorter one
 * cannot be found by searching without also hitting the same characters in unrelated text
 * (password `1234` inside the number `+15551231234`), and the masks left behind would point at it.
 */
export const MASK_ANYWHERE_FROM = 8;
/**
 * Secrets from this length up to {@link MASK_ANYWHERE_FROM} are masked where they stand as a
 * whole word (no letter or digit touching either end): `password 1234` and `"key":"1234"`, not
 * `+15551231234`. Shorter ones (1–3 characters) are not searched for at all: masking every `p`
 * breaks every `https` and spells the secret out; such a secret is guessed faster than read.
 */
export const MASK_WORDS_FROM = 4;
/** The shortest start of a secret masked at the end of a cut-off text. */
const CUT_PREFIX = 4;

/** HTTP Basic credentials, whose base64 is searched for as well. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

interface Form {
  readonly text: string;
  /** Masked only where no letter or digit touches it. */
  readonly word: boolean;
}

/** Builds a redactor for `secrets` (empty values are ignored) and Basic `credentials`. */
export function createRedactor(secrets: readonly string[], credentials: readonly Credentials[] = []): Redactor {
  const forms = collectForms(secrets, credentials);
  if (forms.length === 0) return (text) => text;
  return (text, cut = false) => {
    const present = forms.filter((f) => text.includes(f.text));
    const masked = present.length === 0 ? text : text.replace(searchFor(present), MASK);
    return cut ? maskCutStart(masked, forms) : masked;
  };
}

/** The first `length` characters of `text` (whole characters, never half a surrogate pair): mask first, cut after. */
export function excerpt(text: string, length: number): string {
  const chars = Array.from(text);
  return chars.length <= length ? text : chars.slice(0, length).join('');
}

function collectForms(secrets: readonly string[], credentials: readonly Credentials[]): Form[] {
  const byText = new Map<string, Form>();
  const add = (text: string, word: boolean) => {
    const known = byText.get(text);
    // A form that is also another secret's long form is masked anywhere.
    if (text !== '' && (known === undefined || (known.word && !word))) byText.set(text, { text, word });
  };
  for (const secret of secrets) {
    const length = Array.from(secret).length;
    if (length < MASK_WORDS_FROM) continue;
    for (const text of secretEncodings(secret)) add(text, length < MASK_ANYWHERE_FROM);
  }
  for (const { username, password } of credentials) {
    if (Array.from(password).length < MASK_WORDS_FROM) continue;
    for (const pair of [`${username}:${password}`, `${safeUriComponent(username)}:${safeUriComponent(password)}`]) {
      const base64 = Buffer.from(pair, 'utf8').toString('base64');
      for (const text of [base64, base64.replace(/=+$/, '')]) add(text, text.length < MASK_ANYWHERE_FROM);
    }
  }
  // Longest first, so a form that contains another (`&amp;` holds `&`) is masked whole.
  return [...byText.values()].sort((a, b) => b.text.length - a.text.length);
}

const WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const WORD_AFTER = '(?![\\p{L}\\p{N}])';

function searchFor(forms: readonly Form[]): RegExp {
  const alternatives = forms.map((f) =>
    f.word ? `${WORD_BEFORE}${literalPattern(f.text)}${WORD_AFTER}` : literalPattern(f.text),
  );
  return new RegExp(alternatives.join('|'), 'gu');
}

/** `text` as a pattern that matches exactly it (unicode mode: syntax characters escaped, astral and lone surrogates by code). */
function literalPattern(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code > 0xffff || (code >= 0xd800 && code <= 0xdfff)) out += `\\u{${code.toString(16)}}`;
    else out += /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
  }
  return out;
}

/** Masks the start of a long secret form left at the very end of a cut-off text. */
function maskCutStart(text: string, forms: readonly Form[]): string {
  let longest = 0;
  for (const { text: form, word } of forms) {
    if (word) continue;
    for (let n = Math.min(form.length - 1, text.length); n >= CUT_PREFIX && n > longest; n--)
      if (text.endsWith(form.slice(0, n))) longest = n;
  }
  return longest === 0 ? text : text.slice(0, text.length - longest) + MASK;
}

function safeUriComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text; // an unpaired surrogate cannot be URL-encoded, so it cannot appear URL-encoded either
  }
}
