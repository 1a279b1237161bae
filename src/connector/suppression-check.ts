/**
 * The connector's side of opt-outs: ask the store before a message to a recipient, and record a
 * provider's "opted out" answer. Both sides of the key are E.164 where they are numbers; a number
 * typed without a country code is read in the account's default country, else the sender's.
 */
import type { SendResult } from '../result.js';
import { suppressionKey, type SuppressionStore } from '../suppression.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Sends one message to `recipient` after the check; given the result, records an opt-out the provider reported. */
export type SuppressionCheck = (recipient: string, send: () => Promise<SendResult>) => Promise<SendResult>;

/** The check for messages from `sender` (the account's `from`). */
export function suppressionCheck(
  store: SuppressionStore,
  sender: string,
  defaultCountry: string | undefined,
): SuppressionCheck {
  const country = defaultCountry ?? (sender.startsWith('+') ? parsePhoneNumberFromString(sender)?.country : undefined);
  const from = suppressionKey(sender, country);
  return async (recipient, send) => {
    const to = suppressionKey(recipient, country);
    if (await store.isOptedOut(from, to)) return optedOut(recipient, from);
    const result = await send();
    if (!result.ok && result.code === 'RECIPIENT_OPTED_OUT')
      await store.optOut(from, to, `provider code ${result.providerCode ?? String(result.status)}`);
    return result;
  };
}

function optedOut(recipient: string, sender: string): SendResult {
  const error = `${recipient} has opted out of messages from ${sender || 'this sender'} (replied STOP); nothing was sent`;
  return {
    ok: false,
    recipient,
    status: 0,
    error,
    code: 'RECIPIENT_OPTED_OUT',
    retryable: false,
    ambiguous: false,
    durationMs: 0,
  };
}
