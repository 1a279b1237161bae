/** The other party of a conversation, written one way so a thread keeps one `stream_id`. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { formatNumber } from '../../numbers/format.js';

/** The country of an E.164 number, for reading numbers typed without a country code. */
export function countryOf(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

/** `typed` in E.164 when it is a phone number (read in `ownNumber`'s country), else as typed. */
export function peerOf(typed: string, ownNumber: string): string {
  const formatted = formatNumber(typed.trim(), 'E164', countryOf(ownNumber), true);
  return formatted.ok ? formatted.value : typed.trim();
}
