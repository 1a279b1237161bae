/** Building the parameters of one request: the message's, then the recipient's, numbers prepared. */
import { messageFacts } from '../message/facts.js';
import { prepareNumber } from '../numbers/pipeline.js';
import type { Binding } from './bind.js';

/** Values for a service's parameters, by name (`sms_to`, `sms_body`, ...). */
export type ServiceParams = Readonly<Record<string, string>>;

/** What `messageParams` needs of a message. */
export interface MessageFields {
  body: string;
  smart?: boolean;
  contentType?: string;
  dispositionNotification?: string;
}

/** The Send Message parameters of a message, with its facts (encoding, parts, length). */
export function messageParams(message: MessageFields): Record<string, string> {
  const facts = messageFacts(message.body);
  return {
    sms_body: message.body,
    sms_encoding: facts.encoding,
    sms_parts: String(facts.parts),
    sms_length: String(facts.length),
    smart: message.smart ? '1' : '0',
    content_type: message.contentType ?? 'text/plain',
    disposition_notification: message.dispositionNotification ?? '',
  };
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

/** Runs the recipient (and a rate check's target) through the number pipeline. */
export function prepareParams(params: ServiceParams, binding: Binding): { ok: true; params: ServiceParams } | { ok: false; message: string } {
  let out: Record<string, string> | undefined;
  for (const key of NUMBER_PARAMS) {
    const given = params[key];
    if (given === undefined) continue;
    // The apps send a rate check's target without separators: "+1 (555) 123-1234" as "+15551231234".
    const typed = key === 'targetNumber' ? given.replace(/[\s().\-/]/g, '') : given;
    const prepared = prepareNumber(typed, binding.pipeline);
    if (!prepared.ok) return prepared;
    if (prepared.value !== given) out = inherit(out ?? params, key, prepared.value);
  }
  return { ok: true, params: out ?? params };
}

