/** What a caller sends: one message for one or more recipients, and its hooks. */

/** One message for one or more recipients. */
export interface OutgoingMessage {
  /** Recipient(s); one request is sent per recipient. */
  to: string | readonly string[];
  /** The text, exactly as it must arrive. */
  body: string;
  /** Acrobits' `%smart%`: the recipient is a Smart Contact. Default false. */
  smart?: boolean;
  /** Acrobits' `%content_type%` of the message. Default text/plain. */
  contentType?: string;
  /** Acrobits' `%disposition_notification%`. Default empty. */
  dispositionNotification?: string;
  /**
   * Stable id of this message for `%message_id%` (a journal's id, so a retry or a resumed run sends
   * the same one). With several recipients each gets `<messageId>:<index>`. Default: a fresh UUID per recipient.
   */
  messageId?: string;
  /**
   * Called once per message, when its first request may go out (the rate limits allow it) and
   * before it does; the request waits for it. A journal records its intent here, so a message
   * still held by the rate limits when a run stops was not recorded as possibly sent. Resolving
   * `false` sends nothing: every result is then `NOT_SENT`. A rejection rejects `sendMessage`.
   */
  beforeSend?: () => Promise<boolean | void> | boolean | void;
}
