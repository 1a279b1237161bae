/**
 * Opt-outs (DESIGN §12): recipients who asked a sender for no more messages, by replying STOP or as
 * a provider reports. A connector given a {@link SuppressionStore} asks it before every message and
 * refuses an opted-out recipient with `RECIPIENT_OPTED_OUT`, making no request; a provider answer
 * whose code the provider file declares `optedOut` is recorded in it. The store is the caller's:
 * the gateway keeps one in its database, and {@link createMemorySuppression} keeps one in memory.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { formatNumber } from './numbers/format.js';

/** Who opted out of whom. Numbers are in E.164 where they are phone numbers. */
export interface SuppressionStore {
  /** Whether `recipient` opted out of messages from `sender`. */
  isOptedOut(sender: string, recipient: string): boolean | Promise<boolean>;
  /** Records that `recipient` opted out of `sender`; `source` says how it was learnt (e.g. `provider code 21610`). */
  optOut(sender: string, recipient: string, source: string): void | Promise<void>;
}

/**
 * A suppression store in memory, for a script or a test; `entries` are `[sender, recipient]`.
 * @example
 * const suppression = createMemorySuppression([['+15017122661', '+15558675310']]);
 * const sb = createConnector({ provider, account, suppression });
 * const [result] = await sb.sendMessage({ to: '+15558675310', body: 'Hi' }); // code RECIPIENT_OPTED_OUT, nothing sent
 */
export function createMemorySuppression(
  entries: Iterable<readonly [string, string]> = [],
): SuppressionStore & { readonly entries: ReadonlySet<string> } {
  const key = (sender: string, recipient: string) => `${sender}\n${recipient}`;
  const set = new Set([...entries].map(([s, r]) => key(s, r)));
  return {
    isOptedOut: (sender, recipient) => set.has(key(sender, recipient)),
    optOut: (sender, recipient) => void set.add(key(sender, recipient)),
    entries: set,
  };
}

/**
 * `typed` in E.164 when it is a phone number, else trimmed as typed: the form opt-outs are kept
 * in, so `+1 555 867 5310` and `+15558675310` are one recipient. A number without a country code is
 * read in `defaultCountry`.
 */
export function suppressionKey(typed: string, defaultCountry: string | undefined): string {
  const trimmed = typed.trim();
  const formatted = formatNumber(trimmed, 'E164', trimmed.startsWith('+') ? undefined : defaultCountry, true);
  return formatted.ok ? formatted.value : trimmed;
}

/** The country of `number` when it is written in E.164 (`+…`): where a number typed without one is read. */
export function countryOf(number: string): string | undefined {
  return number.startsWith('+') ? parsePhoneNumberFromString(number)?.country : undefined;
}

/**
 * Our number and theirs as opt-outs are kept (`gateway optouts`, the opt-out file): ours in E.164,
 * theirs read in the country of ours.
 */
export function optOutPair(own: string, peer: string): [string, string] {
  const ours = suppressionKey(own, undefined);
  return [ours, suppressionKey(peer, countryOf(ours))];
}
