/** The normalised events and results of receiving a webhook (DESIGN §9, contract). */

/** A normalised delivery status; ranked in this order, final from `delivered` on. */
export type DeliveryStatus =
  'queued' | 'sent' | 'delivered' | 'read' | 'undelivered' | 'failed' | 'expired' | 'rejected' | 'unknown';

/** One attachment of an inbound message. */
export interface InboundMedia {
  readonly url: string;
  readonly contentType?: string;
  /** Bytes, where the provider says. */
  readonly size?: number;
}

/** A message sent to one of the account's numbers. */
export interface InboundEvent {
  readonly type: 'inbound';
  /** Sender, in E.164 when it is a phone number. */
  readonly from: string;
  /** The account's number it was sent to, in E.164 when it is a phone number. */
  readonly to: string;
  readonly text: string;
  readonly providerMessageId: string;
  /** ISO 8601 UTC, when the provider says. */
  readonly receivedAt?: string;
  readonly media: readonly InboundMedia[];
  /** The same for every delivery of the same event: store it to handle retries idempotently. */
  readonly dedupeKey: string;
  /** Present when `dedupeKey` identifies the event only for this long: see {@link StatusEvent.dedupeWindowSeconds}. */
  readonly dedupeWindowSeconds?: number;
}

/** A delivery report for a message sent. */
export interface StatusEvent {
  readonly type: 'status';
  readonly providerMessageId: string;
  /** Our own message id, when the provider echoes it (a callback URL rendered with %message_id%). */
  readonly messageId?: string;
  readonly status: DeliveryStatus;
  readonly errorCode?: string;
  /** The error code means the recipient opted out of this sender (the provider file's `optedOutCodes`). */
  readonly optedOut?: true;
  readonly error?: string;
  /** ISO 8601 UTC, when the provider says. */
  readonly at?: string;
  readonly dedupeKey: string;
  /**
   * Present when the provider sent neither an id nor a time and `dedupeKey` is built from the
   * event's content (a digest with `windowSeconds`): the key identifies the event only this many
   * seconds after it is first seen. Remember it that long, not for ever, or a genuine second
   * identical text ("Yes", then "Yes" next week) would be dropped as a redelivery.
   */
  readonly dedupeWindowSeconds?: number;
}

/** A normalised webhook event. */
export type WebhookEvent = InboundEvent | StatusEvent;

/** An event the provider file does not describe, or whose status it maps to `ignore`: answered, never guessed. */
export interface IgnoredEvent {
  /** The provider's event type or status value. */
  readonly type: string;
  readonly reason: string;
}

/** What to send back to the provider. */
export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Why a request was not accepted. */
export type WebhookFailureCode =
  | 'WEBHOOK_UNVERIFIED'
  | 'WEBHOOK_STALE'
  | 'WEBHOOK_MALFORMED'
  | 'WEBHOOK_TOO_LARGE'
  | 'WEBHOOK_METHOD'
  | 'WEBHOOK_UNKNOWN_ENDPOINT';

/** The outcome of receiving one request. Never thrown: every request gives one of these. */
export type WebhookResult =
  | {
      readonly ok: true;
      readonly endpoint: string;
      readonly events: readonly WebhookEvent[];
      readonly ignored: readonly IgnoredEvent[];
      readonly answer: WebhookAnswer;
    }
  | {
      readonly ok: false;
      readonly code: WebhookFailureCode;
      /** Why, in words, without secrets. */
      readonly reason: string;
      readonly endpoint?: string;
      readonly answer: WebhookAnswer;
    };
