/** Strict decoding of keys and signatures: text that is not valid in its encoding decodes to nothing. */

/** The encodings signatures and keys are written in. */
export type ByteEncoding = 'base64' | 'base64url' | 'hex' | 'utf8';

const PATTERNS: Record<Exclude<ByteEncoding, 'utf8'>, RegExp> = {
  base64: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  base64url: /^[A-Za-z0-9_-]*$/,
  hex: /^(?:[0-9a-fA-F]{2})*$/,
};

/** The bytes `text` stands for, or undefined when it is not valid in `encoding`. */
export function decodeBytes(text: string, encoding: ByteEncoding): Buffer | undefined {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  const trimmed = text.trim();
  if (!PATTERNS[encoding].test(trimmed)) return undefined;
  return Buffer.from(trimmed, encoding);
}
