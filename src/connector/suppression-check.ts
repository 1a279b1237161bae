/**
 * The connector's side of opt-outs: ask the store before a message to a recipient, and record a
 * provider's "opted out" answer. Both sides of the key are E.164 where they are numbers; a number
 * typed without a country code is read in the account's default country, else the sender's.
 */
import type { SendResult } from '../result.js';
import { countryOf, suppressionKey, type SuppressionStore } from '../suppression.js';

/** Sends one message to `recipient` after the check; given the result, records an opt-out the provider reported. */
export type SuppressionCheck = (recipient: string, send: () => Promise<SendResult>) => Promise<SendResult>;

/**
 * Asks `store` whether a recipient opted out of `sender` (the account's `from`), keyed as the
 * connector's check keys them: the refusal to report when so, else undefined. For a sender that
 * refuses before a message goes anywhere else (a queue's enqueue), with the connector's very words.
 */
export function suppressionLookup(
  store: SuppressionStore,
  sender: string,
  defaultCountry: string | undefined,
): (recipient: string) => Promise<SendResult | undefined> {
  const { from, keyOf } = keys(sender, defaultCountry);
  return async (recipient) =>
    (await store.isOptedOut(from, keyOf(recipient))) ? optedOut(recipient, from) : undefined;
}

/** The check for messages from `sender` (the account's `from`). */
export function suppressionCheck(
  store: SuppressionStore,
  sender: string,
  defaultCountry: string | undefined,
): SuppressionCheck {
  const { from, keyOf } = keys(sender, defaultCountry);
  return async (recipient, send) => {
    const to = keyOf(recipient);
    if (await store.isOptedOut(from, to)) return optedOut(recipient, from);
    const result = await send();
    if (!result.ok && result.code === 'RECIPIENT_OPTED_OUT')
      await store.optOut(from, to, `provider code ${result.providerCode ?? String(result.status)}`);
    return result;
  };
}

/** Our number's key, and how a recipient's is made: read in the default country, else the sender's. */
function keys(sender: string, defaultCountry: string | undefined) {
  const country = defaultCountry ?? countryOf(sender);
  return { from: suppressionKey(sender, country), keyOf: (recipient: string) => suppressionKey(recipient, country) };
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
