/**
 * Recipients (and senders) that are not phone numbers: the shapes a provider declares it accepts
 * (`allowNonPhone`), resolved once. Text of no declared shape is refused, so a typo such as
 * `not-a-number` never becomes a request.
 */
import type { NonPhoneShapes } from '../generated/provider.js';

/** The accepted shapes, resolved from `allowNonPhone`. */
export interface NonPhonePolicy {
  /** Channel prefixes (lower case) accepted before a colon; `'any'` for every prefix. */
  readonly channels: ReadonlySet<string> | 'any';
  readonly alphanumeric: boolean;
  readonly shortCodes: boolean;
  readonly nationalDigits: boolean;
  /** Other ids the provider declares (`ids`), matched against the whole value. */
  readonly ids: RegExp | undefined;
}

/** No shape but phone numbers. */
export const PHONE_ONLY: NonPhonePolicy = {
  channels: new Set(),
  alphanumeric: false,
  shortCodes: false,
  nationalDigits: false,
  ids: undefined,
};

const EVERY_SHAPE: NonPhonePolicy = {
  channels: 'any',
  alphanumeric: true,
  shortCodes: true,
  nationalDigits: true,
  ids: undefined,
};

/** Resolves `allowNonPhone` (boolean or the shapes it names) into a policy. */
export function nonPhonePolicy(shapes: NonPhoneShapes | undefined): NonPhonePolicy {
  if (shapes === undefined || shapes === false) return PHONE_ONLY;
  if (shapes === true) return EVERY_SHAPE;
  return {
    channels: new Set(shapes.channels ?? []),
    alphanumeric: shapes.alphanumeric ?? false,
    shortCodes: shapes.shortCodes ?? false,
    nationalDigits: shapes.nationalDigits ?? false,
    // The schema has checked the pattern compiles; anchoring makes it judge the whole value.
    ids: shapes.ids === undefined ? undefined : new RegExp(`^(?:${shapes.ids})$`),
  };
}

const CHANNEL = /^([A-Za-z][A-Za-z0-9+.-]*):\S+$/;
// GSM 03.38 alphanumeric originators: at most 11 characters; a letter tells them from numbers.
const ALPHANUMERIC = /^(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9 ]{0,9}[A-Za-z0-9])?$/;
const SHORT_CODE = /^[0-9]{3,8}$/;
const NATIONAL_DIGITS = /^\s*\(?[0-9][0-9 ().\-/]*$/;

/** Whether `typed`, which is no possible phone number, has a shape `policy` accepts as typed. */
export function acceptsNonPhone(typed: string, policy: NonPhonePolicy): boolean {
  const channel = CHANNEL.exec(typed)?.[1];
  if (channel !== undefined && (policy.channels === 'any' || policy.channels.has(channel.toLowerCase()))) return true;
  if (policy.alphanumeric && ALPHANUMERIC.test(typed)) return true;
  if (policy.shortCodes && SHORT_CODE.test(typed)) return true;
  if (policy.nationalDigits && NATIONAL_DIGITS.test(typed)) return true;
  return policy.ids?.test(typed) ?? false;
}

/** The shapes `policy` accepts, in words, for an error message ("" when none). */
export function describeNonPhone(policy: NonPhonePolicy): string {
  const shapes: string[] = [];
  if (policy.channels === 'any') shapes.push('channel addresses (prefix:address)');
  else if (policy.channels.size > 0) shapes.push(`${[...policy.channels].map((c) => `${c}:`).join(' or ')} addresses`);
  if (policy.alphanumeric) shapes.push('alphanumeric ids of up to 11 letters, digits and spaces');
  if (policy.shortCodes) shapes.push('short codes of 3 to 8 digits');
  if (policy.nationalDigits) shapes.push('national numbers as typed');
  if (policy.ids) shapes.push('ids the provider declares');
  return shapes.join(', ');
}
