/**
 * Reads a Fetch Messages answer into one typed model, by a mapping of pointers. The Acrobits
 * format is simply the default mapping; a provider whose list API is shaped differently declares
 * its own (`response.messages`) and gets the same model.
 */
import type { MessageListMapping } from '../generated/provider.js';
import { getPointer, textOf } from './pointer.js';

/** One message, normalised. */
export interface FetchedMessage {
  readonly smsId: string;
  readonly sendingDate: Date;
  /** Who sent it (received messages). */
  readonly sender?: string;
  /** Who it went to (sent messages). */
  readonly recipient?: string;
  readonly text: string;
  readonly contentType: string;
  readonly dispositionNotification?: string;
  readonly displayed?: boolean;
  readonly streamId?: string;
}

/** What Fetch Messages returns. */
export interface FetchedMessages {
  /** The server's date of the answer, when it gives one. */
  readonly date?: Date;
  readonly received: FetchedMessage[];
  readonly sent: FetchedMessage[];
}

const ACROBITS_FIELDS = {
  smsId: '/sms_id',
  sendingDate: '/sending_date',
  sender: '/sender',
  recipient: '/recipient',
  text: '/sms_text',
  contentType: '/content_type',
  dispositionNotification: '/disposition_notification',
  displayed: '/displayed',
  streamId: '/stream_id',
};

/** The Acrobits Fetch Messages format; both names of the received array are accepted. */
const ACROBITS_MESSAGES: MessageListMapping = {
  date: '/date',
  lists: [
    { pointer: '/received_smss', direction: 'received' },
    { pointer: '/unread_smss', direction: 'received' },
    { pointer: '/sent_smss', direction: 'sent' },
  ],
  fields: ACROBITS_FIELDS,
};

/** Reads `document` by `mapping`; returns the model or what is wrong with the answer. */
export function readMessages(
  document: unknown,
  mapping: MessageListMapping = ACROBITS_MESSAGES,
): { data: FetchedMessages } | { error: string } {
  const present = mapping.lists.filter((list) => Array.isArray(getPointer(document, list.pointer)));
  if (present.length === 0) {
    return { error: `the response has none of the message arrays ${mapping.lists.map((l) => l.pointer).join(', ')}` };
  }
  const received: FetchedMessage[] = [];
  const sent: FetchedMessage[] = [];
  for (const list of present) {
    const items = getPointer(document, list.pointer) as unknown[];
    for (const [index, item] of items.entries()) {
      const where = `${list.pointer}/${index}`;
      const message = readMessage(item, mapping, where);
      if ('error' in message) return message;
      const isSent = list.direction === 'sent' || (list.direction === 'mixed' && sentByRule(item, mapping));
      (isSent ? sent : received).push(message.message);
    }
  }
  const dateText = mapping.date === undefined ? undefined : textOf(getPointer(document, mapping.date));
  if (dateText === undefined) return { data: { received, sent } };
  const date = parseDate(dateText);
  if (date === undefined) return { error: `the response's ${mapping.date} "${dateText}" is not a date` };
  return { data: { date, received, sent } };
}

function sentByRule(item: unknown, mapping: MessageListMapping): boolean {
  const rule = mapping.direction;
  if (rule === undefined) return false;
  const value = textOf(getPointer(item, rule.pointer));
  return value !== undefined && rule.sent.includes(value);
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function readMessage(
  item: unknown,
  mapping: MessageListMapping,
  where: string,
): { message: FetchedMessage } | { error: string } {
  const f = mapping.fields;
  const read = (pointer: string | undefined) => (pointer === undefined ? undefined : textOf(getPointer(item, pointer)));
  const smsId = read(f.smsId);
  if (smsId === undefined || smsId === '') return { error: `message ${where} has no id at ${f.smsId}` };
  const dateText = read(f.sendingDate);
  const sendingDate = dateText === undefined ? undefined : parseDate(dateText);
  if (sendingDate === undefined) {
    return {
      error: `message ${where} (id ${smsId}) has ${dateText === undefined ? 'no date' : `a date that does not parse, "${dateText}"`} at ${f.sendingDate}`,
    };
  }
  const message: Writable<FetchedMessage> = {
    smsId,
    sendingDate,
    text: read(f.text) ?? '',
    contentType: read(f.contentType) || 'text/plain',
  };
  const optional = {
    sender: read(f.sender),
    recipient: read(f.recipient),
    dispositionNotification: read(f.dispositionNotification),
    streamId: read(f.streamId),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined && value !== '') message[key as 'sender'] = value;
  const displayed = read(f.displayed);
  if (displayed !== undefined && displayed !== '') message.displayed = displayed === 'true' || displayed === '1';
  return { message };
}

/** ISO 8601 / RFC 3339 or RFC 2822 dates; anything else is undefined, never a wrong date. */
function parseDate(text: string): Date | undefined {
  const trimmed = text.trim();
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed);
  const rfc2822 = /^(?:[A-Za-z]{3}, )?\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC|Z)$/.test(
    trimmed,
  );
  if (!iso && !rfc2822) return undefined;
  const time = Date.parse(iso ? trimmed.replace(' ', 'T') : trimmed);
  return Number.isNaN(time) ? undefined : new Date(time);
}
