/**
 * Attachments of an outgoing message (DESIGN §11): checked for shape and reach before anything
 * else, then against the provider's media rules. What cannot go is said in one sentence, so a
 * refusal (MEDIA_NOT_SUPPORTED) or the account's text-with-link fallback can name the reason.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Attachment } from '../generated/attachment.js';
import type { MediaRules } from '../generated/provider.js';

export type { Attachment } from '../generated/attachment.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const MIME = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/;

/**
 * What is wrong with `media` as given by the caller, or undefined. A provider fetches each URL
 * itself, so it must be https (plain http only on loopback, for tests and local providers) and
 * carry no credentials: a URL is shown in renders, logs and, with text-with-link, the message.
 */
export function attachmentsProblem(media: unknown): string | undefined {
  if (!Array.isArray(media)) return 'media must be a list of attachments ({ url, contentType?, filename?, size? })';
  for (const [i, item] of media.entries()) {
    const problem = attachmentProblem(item);
    if (problem !== undefined) return `attachment ${i + 1}: ${problem}`;
  }
  return undefined;
}

function attachmentProblem(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item))
    return 'must be an object { url, contentType?, filename?, size? }';
  const { url, contentType, filename, size, ...rest } = item as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    return `"${unknown}" is not a property of an attachment (url, contentType, filename, size)`;
  if (typeof url !== 'string' || url === '') return 'url must be a URL the provider can fetch';
  const urlProblem = reachProblem(url);
  if (urlProblem !== undefined) return urlProblem;
  if (contentType !== undefined && (typeof contentType !== 'string' || !MIME.test(contentType)))
    return `contentType must be a MIME type such as image/jpeg, not ${JSON.stringify(contentType)}`;
  if (filename !== undefined && (typeof filename !== 'string' || filename === ''))
    return 'filename must be non-empty text';
  if (size !== undefined && (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0))
    return `size must be a whole number of bytes, not ${JSON.stringify(size)}`;
  return undefined;
}

function reachProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  if (/[\s\u0000-\u001F\u007F]/.test(url)) return 'the url cannot contain spaces or control characters';
  if (parsed.username !== '' || parsed.password !== '')
    return 'the url cannot carry credentials (user:password@): it is shown in renders and logs';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname)) return undefined;
  if (parsed.protocol === 'http:')
    return `the url must be https:// (plain http:// only on a loopback host), not ${parsed.origin}`;
  return `the url must be https://, not ${parsed.protocol}`;
}

/**
 * Why the provider cannot take `media` for a recipient in `country` (when known), or undefined
 * when it can. Without rules the provider takes no media at all. Limits are checked where the
 * attachment gives the fact (size, content type); the provider checks what it fetches.
 */
export function mediaRefusal(
  rules: MediaRules | undefined,
  media: readonly Attachment[],
  country: string | undefined,
): string | undefined {
  if (rules === undefined) return 'the provider takes no media';
  if (rules.maxCount !== undefined && media.length > rules.maxCount)
    return `the provider takes at most ${rules.maxCount} attachment${rules.maxCount === 1 ? '' : 's'} per message, not ${media.length}`;
  for (const [i, attachment] of media.entries()) {
    const at = `attachment ${i + 1}`;
    if (rules.maxBytes !== undefined && attachment.size !== undefined && attachment.size > rules.maxBytes)
      return `${at} has ${attachment.size} bytes; the provider takes at most ${rules.maxBytes} per attachment`;
    if (rules.contentTypes !== undefined && attachment.contentType !== undefined) {
      if (!rules.contentTypes.some((accepted) => typeMatches(accepted, attachment.contentType as string)))
        return `${at} is ${attachment.contentType}; the provider takes ${rules.contentTypes.join(', ')}`;
    }
  }
  if (rules.maxTotalBytes !== undefined && media.every((a) => a.size !== undefined)) {
    const total = media.reduce((sum, a) => sum + (a.size ?? 0), 0);
    if (total > rules.maxTotalBytes)
      return `the attachments have ${total} bytes; the provider takes at most ${rules.maxTotalBytes} per message`;
  }
  if (rules.countries !== undefined && country !== undefined && !rules.countries.includes(country))
    return `the provider delivers media only to ${rules.countries.join(', ')}, not ${country}`;
  if (rules.countries !== undefined && country === undefined)
    return `the provider delivers media only to ${rules.countries.join(', ')}, and the recipient's country is not known`;
  return undefined;
}

/** `image/*` takes every image type; otherwise the type must be the same (parameters and case aside). */
function typeMatches(accepted: string, given: string): boolean {
  const type = (given.split(';')[0] ?? '').trim().toLowerCase();
  return accepted.endsWith('/*') ? type.startsWith(accepted.slice(0, -1)) : type === accepted;
}

/**
 * The country of a recipient as typed, for the media rules' `countries`; undefined when it is no
 * phone number. A number no range places (a 555 test number) counts as the main country of its
 * calling code (+1: US), which libphonenumber lists first.
 */
export function recipientCountry(to: string, defaultCountry: string | undefined): string | undefined {
  const parsed = parsePhoneNumberFromString(to, defaultCountry as CountryCode | undefined);
  return parsed?.country ?? parsed?.getPossibleCountries()[0];
}

/** The account's text-with-link fallback: the text, then each attachment's URL on a line of its own. */
export function withLinks(body: string, media: readonly Attachment[]): string {
  const links = media.map((a) => a.url).join('\n');
  return body === '' ? links : `${body}\n${links}`;
}
