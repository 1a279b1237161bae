/**
 * Fetch Messages, Modern API (DESIGN §10): received and sent messages after the device's cursors,
 * oldest first. The cursors are the app's own (`last_known_sms_id`, `last_known_sent_sms_id`), so
 * every device of a user keeps its own place with no state on the server, and messages sent from
 * another device appear in `sent_smss`. An sms_id is the user's message number as text.
 *
 * A cursor that is not one of our ids (garbage, or an id from a backend used before) is read as
 * "none": the app updates its cursor only from a successful answer, so refusing it would make
 * every later fetch fail too, forever. The app drops what it already has by sms_id.
 *
 * A page is bounded by count and by the bytes of its texts (`limits`); the app's next fetch, from
 * the newest ids it got, continues where it ended.
 */
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { FILE_TRANSFER, fileTransferText } from '../media/document.js';
import { mediaUrl } from '../media/signed-url.js';
import type { MediaEntry } from '../store/media-store.js';
import type { FetchedMessage } from '../store/fetch-statements.js';
import type { GatewayContext } from './context.js';
import type { Answer } from './send-message.js';

/** What the app sends. */
export interface FetchInput {
  readonly last_known_sms_id?: string | undefined;
  readonly last_known_sent_sms_id?: string | undefined;
  readonly device?: string | undefined;
}

/** A cursor as a number, or undefined for none; `bad` when it was given but is not one of our ids. */
export function readCursor(text: string | undefined): { cursor: number | undefined; bad: boolean } {
  if (text === undefined || text.trim() === '') return { cursor: undefined, bad: false };
  if (!/^[0-9]{1,15}$/.test(text.trim())) return { cursor: undefined, bad: true };
  return { cursor: Number(text.trim()), bad: false };
}

/** Handles one Fetch Messages call of an authenticated user. */
export async function fetchMessages(ctx: GatewayContext, user: GatewayUserConfig, input: FetchInput): Promise<Answer> {
  const received = readCursor(input.last_known_sms_id);
  const sent = readCursor(input.last_known_sent_sms_id);
  if (received.bad || sent.bad)
    ctx.log.warn(
      { login: user.login, device: input.device ?? '' },
      'a fetch cursor is not one of this gateway’s ids; answering from the beginning',
    );
  const page = await ctx.store.fetch(
    user.login,
    { received: received.cursor, sent: sent.cursor },
    { count: ctx.config.limits.fetchPageSize, bytes: ctx.config.limits.fetchPageBytes },
  );
  const received_smss = page.received.map(receivedItem);
  const sent_smss = page.sent.map(sentItem);
  await withDocuments(ctx, user.login, [...received_smss, ...sent_smss]);
  return { status: 200, body: { date: new Date().toISOString(), received_smss, sent_smss } };
}

/**
 * Messages with files get their file-transfer document as `sms_text` (the stored text is the
 * caption), built from the files as they are now: one query for the whole page.
 */
async function withDocuments(
  ctx: GatewayContext,
  login: string,
  items: { sms_id: string; sms_text: string; content_type: string }[],
): Promise<void> {
  const media = items.filter((item) => item.content_type === FILE_TRANSFER);
  if (media.length === 0) return;
  const entries = await ctx.store.media.ofMessages(
    login,
    media.map((item) => Number(item.sms_id)),
  );
  const bySeq = new Map<number, MediaEntry[]>();
  for (const e of entries) bySeq.set(e.seq, [...(bySeq.get(e.seq) ?? []), e]);
  const urlOf = (id: string) => mediaUrl(ctx.config.publicUrl, ctx.mediaKey, id);
  for (const item of media)
    item.sms_text = fileTransferText(item.sms_text, bySeq.get(Number(item.sms_id)) ?? [], urlOf);
}

// Built field by field (no spread), so that each item is one small object for JSON.stringify.
function receivedItem(m: FetchedMessage) {
  return m.disposition_notification === ''
    ? {
        sms_id: m.sms_id,
        sending_date: m.sending_date,
        sms_text: m.sms_text,
        content_type: m.content_type,
        stream_id: m.stream_id,
        sender: m.stream_id,
      }
    : { ...withNotification(m), sender: m.stream_id };
}

function sentItem(m: FetchedMessage) {
  return m.disposition_notification === ''
    ? {
        sms_id: m.sms_id,
        sending_date: m.sending_date,
        sms_text: m.sms_text,
        content_type: m.content_type,
        stream_id: m.stream_id,
        recipient: m.stream_id,
      }
    : { ...withNotification(m), recipient: m.stream_id };
}

function withNotification(m: FetchedMessage) {
  return {
    sms_id: m.sms_id,
    sending_date: m.sending_date,
    sms_text: m.sms_text,
    content_type: m.content_type,
    disposition_notification: m.disposition_notification,
    stream_id: m.stream_id,
  };
}
