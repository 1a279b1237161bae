/** The other party of a conversation, written one way so a thread keeps one `stream_id`. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { formatNumber } from 'switchboard/internal/numbers/format.js';

/** Countries of the gateway's own numbers: a few configured numbers, each parsed once, not per message. */
const countries = new Map<string, string | undefined>();

/** The country of an E.164 number, for reading numbers typed without a country code. */
export function countryOf(e164: string): string | undefined {
  if (countries.has(e164)) return countries.get(e164);
  const country = parsePhoneNumberFromString(e164)?.country;
  if (countries.size < 10_000) countries.set(e164, country);
  return country;
}

/**
 * `typed` in E.164 when it is a phone number (read in `ownNumber`'s country), else as typed. A number
 * typed in E.164 is only checked (the common case; the connector's own formatting then takes the same
 * fast path), so each message's number is parsed at most once.
 */
export function peerOf(typed: string, ownNumber: string): string {
  const trimmed = typed.trim();
  const formatted = formatNumber(trimmed, 'E164', trimmed.startsWith('+') ? undefined : countryOf(ownNumber), true);
  return formatted.ok ? formatted.value : trimmed;
}
