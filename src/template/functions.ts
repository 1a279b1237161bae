/**
 * Template functions: `%sha1(...)%` as in Acrobits, plus the few digests and encodings real
 * providers need. Each receives its argument fully expanded (unescaped) and returns text that is
 * then escaped for the position the call stands in.
 */
import { createHash } from 'node:crypto';

const digest = (algorithm: string) => (value: string) => createHash(algorithm).update(value, 'utf8').digest('hex');

/** Functions available in templates, by name. */
export const TEMPLATE_FUNCTIONS: Readonly<Record<string, (value: string) => string>> = {
  sha1: digest('sha1'),
  sha256: digest('sha256'),
  md5: digest('md5'),
  base64: (value) => Buffer.from(value, 'utf8').toString('base64'),
  // For a URL handed to a gateway that expands its own %-escapes in it before calling it (an SMPP
  // gateway's delivery-report URL with %d for the report type): every % of ours is written %%,
  // which such gateways turn back into %, so percent-encoding in the URL (our message id's
  // %C3%A4) is never read as one of their escapes.
  doublePercent: (value) => value.replaceAll('%', '%%'),
  // Text as hex of its UTF-16BE bytes: how SMPP gateways' HTTP APIs take UCS-2 text (a
  // `hex-content` field with coding 8), since a percent-encoded value carries UTF-8.
  utf16beHex: (value) => Buffer.from(value, 'utf16le').swap16().toString('hex'),
};
