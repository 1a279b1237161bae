/** The Acrobits web services and the parameters each one's templates can use (DESIGN §1). */

/** Names of the web services a provider can define. */
export type ServiceName = 'sendMessage' | 'fetchMessages' | 'balanceCheck' | 'rateCheck' | 'pushTokenReporter';

/** The service parameters the Acrobits apps fill in, by service. */
export const ACROBITS_SERVICE_PARAMS: Readonly<Record<ServiceName, readonly string[]>> = {
  sendMessage: ['sms_to', 'sms_body', 'smart', 'content_type', 'disposition_notification'],
  fetchMessages: ['last_known_sms_id', 'last_known_sent_sms_id'],
  balanceCheck: [],
  rateCheck: ['targetNumber', 'smartUri'],
  pushTokenReporter: [
    'selector',
    'pushToken',
    'pushappid',
    'pushTokenIncomingCall',
    'pushappid_incoming_call',
    'pushTokenOther',
    'pushappid_other',
  ],
};

/** Facts Switchboard computes for every message (the apps do not). */
export const MESSAGE_FACTS = ['sms_encoding', 'sms_parts', 'sms_length'] as const;

/**
 * The message's attachments as Send Message parameters: how many, and the first one's facts (for
 * providers that take one file in a field of its own). Every attachment is placed with a
 * `{"$media": ...}` node of a structured body, whose templates also read MEDIA_ITEM_PARAMS.
 */
export const MEDIA_PARAMS = ['media_count', 'media_url', 'media_content_type', 'media_filename', 'media_size'] as const;

/** Inside a `$media` node: the attachment's position, from 0 and from 1 (for indexed keys). */
export const MEDIA_ITEM_PARAMS = ['media_index', 'media_number'] as const;

/** Service parameters, by service: the Acrobits ones, and the message facts and media for Send Message. */
export const SERVICE_PARAMS: Readonly<Record<ServiceName, readonly string[]>> = {
  ...ACROBITS_SERVICE_PARAMS,
  sendMessage: [...ACROBITS_SERVICE_PARAMS.sendMessage, ...MESSAGE_FACTS, ...MEDIA_PARAMS],
};

/**
 * Global parameters every template can use: Acrobits' `installid` and `appid`, a fresh id per
 * request, and a stable id per message and recipient (the same on every retry, so a provider can
 * recognise a message it already has), and the per-message status callback URL: the connector's
 * `statusCallback` with `sb=<message_id>` appended, empty without that option.
 */
export const GLOBAL_PARAMS = ['installid', 'appid', 'request_id', 'message_id', 'status_callback_url'] as const;

/** The global parameters the Acrobits apps fill in. */
export const ACROBITS_GLOBAL_PARAMS = ['installid', 'appid'] as const;

/** The content type Acrobits assumes when a service names none. */
export const DEFAULT_CONTENT_TYPE = 'application/x-www-form-urlencoded';
