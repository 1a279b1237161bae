/** Building the parameters of one request: the message's, then the recipient's, numbers prepared. */
import { messageFacts } from '../message/facts.js';
import { prepareNumber } from '../numbers/pipeline.js';
import type { Binding } from './bind.js';
import type { Attachment } from '../generated/attachment.js';

/** Values for a service's parameters, by name (`sms_to`, `sms_body`, ...). */
export type ServiceParams = Readonly<Record<string, string>>;

/** What `messageParams` needs of a message besides its text. */
export interface MessageFields {
  smart?: boolean;
  contentType?: string;
  dispositionNotification?: string;
}

/**
 * The media parameters of a request: how many attachments, and the first one's facts (empty
 * without one), written into `into`.
 */
export function mediaParams(into: Record<string, string>, media: readonly Attachment[]): Record<string, string> {
  const first = media[0];
  into.media_count = String(media.length);
  into.media_url = first?.url ?? '';
  into.media_content_type = first?.contentType ?? '';
  into.media_filename = first?.filename ?? '';
  into.media_size = first?.size === undefined ? '' : String(first.size);
  return into;
}

/**
 * The Send Message parameters of `body` (the message's text, or one part of it) with its facts
 * (encoding, parts, length), written into `into`.
 */
export function messageParams(
  into: Record<string, string>,
  message: MessageFields,
  body: string,
): Record<string, string> {
  const facts = messageFacts(body);
  into.sms_body = body;
  into.sms_encoding = facts.encoding;
  into.sms_parts = String(facts.parts);
  into.sms_length = String(facts.length);
  into.smart = message.smart ? '1' : '0';
  into.content_type = message.contentType ?? 'text/plain';
  into.disposition_notification = message.dispositionNotification ?? '';
  return into;
}

const NUMBER_PARAMS = ['sms_to', 'targetNumber'] as const;

/**
 * `base` with one value set or replaced, sharing the rest through the prototype: the per-request
 * step costs one small object instead of a copy of every parameter.
 */
export function inherit(base: ServiceParams, key: string, value: string): Record<string, string> {
  const params = Object.create(base) as Record<string, string>;
  params[key] = value;
  return params;
}

/**
 * Runs the recipient (and a rate check's target) through the number pipeline. `params` is left as
 * it is unless `owned` (a flat object made for this one request), which is then updated in place:
 * an object that becomes a prototype costs V8 more than the copy it saves.
 */
export function prepareParams(
  params: ServiceParams,
  binding: Binding,
  owned = false,
): { ok: true; params: ServiceParams } | { ok: false; message: string } {
  let out: Record<string, string> | undefined;
  for (const key of NUMBER_PARAMS) {
    const given = params[key];
    if (given === undefined) continue;
    // The apps send a rate check's target without separators: "+1 (555) 123-1234" as "+15551231234".
    const typed = key === 'targetNumber' ? given.replace(/[\s().\-/]/g, '') : given;
    const prepared = prepareNumber(typed, binding.pipeline);
    if (!prepared.ok) return prepared;
    if (prepared.value === given) continue;
    if (owned) (params as Record<string, string>)[key] = prepared.value;
    else out = inherit(out ?? params, key, prepared.value);
  }
  return { ok: true, params: out ?? params };
}
