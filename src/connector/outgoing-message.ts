/** What a caller sends: one message for one or more recipients, and its hooks. */
import type { Attachment } from '../generated/attachment.js';

/** One message for one or more recipients. */
export interface OutgoingMessage {
  /** Recipient(s); one request is sent per recipient. */
  to: string | readonly string[];
  /** The text, exactly as it must arrive. */
  body: string;
  /**
   * Files sent with the text (MMS), fetched by the provider from their URLs (https, or http on
   * loopback). Checked against the provider's media rules before any request; what the provider or
   * the destination cannot take gets the account's `mediaFallback`: refused with MEDIA_NOT_SUPPORTED
   * (the default), or sent as the text with the links appended.
   */
  media?: readonly Attachment[];
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
   * Called when a request of the message is about to be written to a connection (DESIGN §4.1):
   * after the rate limits, a free place among the connector's `concurrency` requests in flight
   * and any retry pause; the request waits for it. A journal records its intent here, so a message
   * still waiting when the process dies was certainly not sent. It runs once however many requests
   * the message makes (recipients, parts, retries), unless `afterNotSent` ran in between: then the
   * next request calls it again. Resolving `false` sends nothing: every result not yet sent is
   * then `NOT_SENT`. A rejection rejects `sendMessage`.
   */
  beforeSend?: () => Promise<boolean | void> | boolean | void;
  /**
   * Called when every request of the message so far certainly did not reach the provider (a
   * definite, retryable failure) and the connector is about to wait before trying again. A journal
   * withdraws its intent here, so a process that dies during the pause leaves the message certainly
   * unsent, to be sent once on restart. The retry waits for it; a rejection rejects `sendMessage`.
   */
  afterNotSent?: () => Promise<void> | void;
}
