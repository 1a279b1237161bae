/**
 * Parses a typed number with libphonenumber-js and writes it in the form a provider wants.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { isPossibleE164 } from './e164.js';
import { acceptsNonPhone, describeNonPhone, nonPhonePolicy, type NonPhonePolicy } from './non-phone.js';
import type { NumberRules } from '../generated/provider.js';

/** The output forms a provider can ask for. */
export type NumberFormat = NonNullable<NumberRules['format']>;

/** A number could not be used; `message` says why and what to do. */
export type FormatOutcome = { ok: true; value: string } | { ok: false; message: string };

/**
 * Formats `typed` as `format`. Numbers are checked for a possible length for their country, not
 * against full numbering plans (plans change faster than metadata; 555 test numbers must pass).
 * What is no possible number passes as typed only in a shape `allowNonPhone` accepts (`true`: any).
 */
export function formatNumber(
  typed: string,
  format: NumberFormat,
  defaultCountry: string | undefined,
  allowNonPhone: NonPhonePolicy | boolean,
): FormatOutcome {
  const nonPhone = typeof allowNonPhone === 'boolean' ? nonPhonePolicy(allowNonPhone) : allowNonPhone;
  if (format === 'AS_TYPED') return { ok: true, value: typed };
  if (format === 'DIGITS') {
    // A name or a channel address (ACME1, whatsapp:+1…) passes whole where allowed; only phone numbers lose their separators.
    if (!looksLikePhone(typed))
      return acceptsNonPhone(typed, nonPhone) ? { ok: true, value: typed } : invalid(typed, defaultCountry, nonPhone);
    const digits = typed.replace(/[^0-9]/g, '');
    return digits === '' ? invalid(typed, defaultCountry, nonPhone) : { ok: true, value: digits };
  }
  // Already E.164 and wanted in an international form: no parse needed.
  if (format !== 'NATIONAL' && isPossibleE164(typed)) return { ok: true, value: international(typed, format) };
  const parsed = looksLikePhone(typed)
    ? parsePhoneNumberFromString(typed, defaultCountry as CountryCode | undefined)
    : undefined;
  if (parsed === undefined || !parsed.isPossible()) {
    return acceptsNonPhone(typed, nonPhone) ? { ok: true, value: typed } : invalid(typed, defaultCountry, nonPhone);
  }
  const value =
    format === 'NATIONAL' ? parsed.formatNational().replace(/[^0-9]/g, '') : international(parsed.number, format);
  return { ok: true, value };
}

/** An E.164 number in one of the international forms. */
function international(e164: string, format: 'E164' | 'E164_NO_PLUS' | 'INTERNATIONAL_00'): string {
  if (format === 'E164') return e164;
  return format === 'E164_NO_PLUS' ? e164.slice(1) : `00${e164.slice(1)}`;
}

/** Phone numbers are digits with the usual separators; anything else (letters, `@`, `:`) is not. */
function looksLikePhone(typed: string): boolean {
  return /^\s*\+?\(?[0-9][0-9 ().\-/]*$/.test(typed);
}

function invalid(typed: string, defaultCountry: string | undefined, nonPhone: NonPhonePolicy): FormatOutcome {
  const others = describeNonPhone(nonPhone);
  if (!looksLikePhone(typed)) {
    const accepted = others === '' ? 'and the provider accepts nothing else' : `nor one of ${others}`;
    return { ok: false, message: `"${typed}" is not a valid phone number, ${accepted}` };
  }
  const hint =
    typed.trim().startsWith('+') || defaultCountry
      ? 'check the digits and the country code'
      : 'write it with its country code (+1 555 …) or set defaultCountry in the account';
  return { ok: false, message: `"${typed}" is not a valid phone number: ${hint}` };
}
