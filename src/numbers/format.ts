/**
 * Parses a typed number with libphonenumber-js and writes it in the form a provider wants.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { isPossibleE164 } from './e164.js';
import type { NumberRules } from '../generated/provider.js';

/** The output forms a provider can ask for. */
export type NumberFormat = NonNullable<NumberRules['format']>;

/** A number could not be used; `message` says why and what to do. */
export type FormatOutcome = { ok: true; value: string } | { ok: false; message: string };

/**
 * Formats `typed` as `format`. Numbers are checked for a possible length for their country, not
 * against full numbering plans (plans change faster than metadata; 555 test numbers must pass).
 */
export function formatNumber(typed: string, format: NumberFormat, defaultCountry: string | undefined, allowNonPhone: boolean): FormatOutcome {
  if (format === 'AS_TYPED') return { ok: true, value: typed };
  if (format === 'DIGITS') {
    const digits = typed.replace(/[^0-9]/g, '');
    if (digits !== '' || !allowNonPhone) return digits === '' ? invalid(typed, defaultCountry) : { ok: true, value: digits };
    return { ok: true, value: typed };
  }
  if (isPossibleE164(typed)) return { ok: true, value: canonical(typed, format) };
  const parsed = looksLikePhone(typed) ? parsePhoneNumberFromString(typed, defaultCountry as CountryCode | undefined) : undefined;
  if (parsed === undefined || !parsed.isPossible()) {
    return allowNonPhone ? { ok: true, value: typed } : invalid(typed, defaultCountry);
  }
  const e164 = parsed.number;
  switch (format) {
    case 'E164':
      return { ok: true, value: e164 };
    case 'E164_NO_PLUS':
      return { ok: true, value: e164.slice(1) };
    case 'INTERNATIONAL_00':
      return { ok: true, value: `00${e164.slice(1)}` };
    case 'NATIONAL':
      return { ok: true, value: parsed.formatNational().replace(/[^0-9]/g, '') };
  }
}

/** Writes an E.164 number in a format that needs no parsing (E164, E164_NO_PLUS, INTERNATIONAL_00), or parses it for NATIONAL. */
function canonical(e164: string, format: 'E164' | 'E164_NO_PLUS' | 'INTERNATIONAL_00' | 'NATIONAL'): string {
  switch (format) {
    case 'E164':
      return e164;
    case 'E164_NO_PLUS':
      return e164.slice(1);
    case 'INTERNATIONAL_00':
      return `00${e164.slice(1)}`;
    case 'NATIONAL':
      return (parsePhoneNumberFromString(e164)?.formatNational() ?? e164).replace(/[^0-9]/g, '');
  }
}

/** Phone numbers are digits with the usual separators; anything else (letters, `@`, `:`) is not. */
function looksLikePhone(typed: string): boolean {
  return /^\s*\+?\(?[0-9][0-9 ().\-/]*$/.test(typed);
}

function invalid(typed: string, defaultCountry: string | undefined): FormatOutcome {
  const hint = typed.trim().startsWith('+') || defaultCountry
    ? 'check the digits and the country code'
    : 'write it with its country code (+1 555 …) or set defaultCountry in the account';
  return { ok: false, message: `"${typed}" is not a valid phone number: ${hint}` };
}
