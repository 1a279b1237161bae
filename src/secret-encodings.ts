/**
 * Every way a server may write a secret back to us: the forms searched for in provider text
 * before it is shown. Servers differ in what they escape (PHP's `urlencode` encodes `~` and
 * writes `+`, JavaScript leaves `!'()*`, Python's `json.dumps` writes `\u00e9`, XML writers pick
 * named or numeric references), so each family lists the variants real serialisers produce.
 */

/** The distinct encodings of `secret`, the secret itself first. */
export function secretEncodings(secret: string): string[] {
  return [...new Set([secret, ...jsonForms(secret), ...xmlForms(secret), ...percentForms(secret)])];
}

/** JSON string escapes: as JSON.stringify writes them, with `\/`, and ASCII-only with `\u` in either hex case. */
function jsonForms(secret: string): string[] {
  const plain = JSON.stringify(secret).slice(1, -1);
  const ascii = plain.replace(/[^\x20-\x7e]/g, (c) => `\\u${hex4(c.charCodeAt(0))}`);
  const upper = ascii.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`);
  return [plain, ascii, upper].flatMap((form) => [form, form.replaceAll('/', '\\/')]);
}

const XML_NAMED: Readonly<Record<string, string>> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

/** XML escapes: named for `& < >` (text) or all five (attributes), numeric in decimal or hex, non-ASCII as references or not. */
function xmlForms(secret: string): string[] {
  const chars = Array.from(secret);
  const write = (escape: (c: string) => string | undefined) => chars.map((c) => escape(c) ?? c).join('');
  const special = (c: string) => c in XML_NAMED;
  const code = (c: string) => c.codePointAt(0) as number;
  const nonAscii = (c: string) => code(c) > 0x7e;
  return [
    write((c) => ('&<>'.includes(c) ? `&${XML_NAMED[c]};` : undefined)),
    write((c) => (special(c) ? `&${XML_NAMED[c]};` : undefined)),
    write((c) => (special(c) ? `&#${code(c)};` : undefined)),
    write((c) => (special(c) ? `&#x${code(c).toString(16)};` : undefined)),
    write((c) => (special(c) ? `&#x${code(c).toString(16).toUpperCase()};` : undefined)),
    write((c) => (special(c) ? `&${XML_NAMED[c]};` : nonAscii(c) ? `&#${code(c)};` : undefined)),
    write((c) => (special(c) || nonAscii(c) ? `&#x${code(c).toString(16)};` : undefined)),
  ];
}

/** Characters left as they are by the common percent-encoders. */
const UNENCODED = [
  /[A-Za-z0-9\-._~]/, // RFC 3986 unreserved (ours, Python's quote)
  /[A-Za-z0-9\-._~!'()*]/, // encodeURIComponent
  /[A-Za-z0-9\-._*]/, // Java's URLEncoder, PHP's urlencode (with `+`)
  /[A-Za-z0-9]/, // everything else encoded
];

/** Percent-encodings: each encoder's set, upper- and lower-case hex, space as `%20` or `+`. */
function percentForms(secret: string): string[] {
  if (!isWellFormed(secret)) return []; // an unpaired surrogate cannot be percent-encoded, so it cannot appear so
  return UNENCODED.flatMap((keep) => {
    const upper = Array.from(secret)
      .map((c) => (keep.test(c) ? c : [...Buffer.from(c, 'utf8')].map((b) => `%${hex2(b)}`).join('')))
      .join('');
    const lower = upper.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
    return [upper, lower].flatMap((form) => [form, form.replaceAll('%20', '+')]);
  });
}

function isWellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function hex4(unit: number): string {
  return unit.toString(16).padStart(4, '0');
}
