/**
 * Attachments of an inbound message: indexed form keys (MediaUrl0..N), a JSON array, or one JSON
 * object for a provider that sends one file; each with its URL and, where the provider gives them,
 * its content type and size.
 */
import { pointerText as textAt, pointerValue as getPointer } from './pointer.js';
import type { MediaSource } from '../../generated/provider.js';
import type { InboundMedia } from '../events.js';
import { WebhookFailure } from '../failure.js';
import { firstValue } from '../request.js';
import { readSource, type ReadScope } from './source.js';

/** At most this many indexed attachments are read, whatever the count says. */
const MAX_MEDIA = 100;

/** The attachments, in order. */
export function readMedia(spec: MediaSource | undefined, scope: ReadScope): InboundMedia[] {
  if (spec === undefined) return [];
  return spec.each !== undefined ? fromArray(spec, spec.each, scope) : fromIndexed(spec, scope);
}

function fromArray(spec: MediaSource, pointer: string, scope: ReadScope): InboundMedia[] {
  const found = getPointer(scope.event, pointer);
  if (found === undefined || found === null) return [];
  // One object: a provider that sends a single file (an inbound MMS body with one media object).
  const list = Array.isArray(found) ? found : typeof found === 'object' ? [found] : undefined;
  if (list === undefined) throw new WebhookFailure('WEBHOOK_MALFORMED', `${pointer} is not a list of attachments`);
  return list.flatMap((element: unknown) => {
    const read = (at: string | undefined) => (at === undefined ? undefined : textAt(element, at));
    return attachment(read(spec.url), read(spec.contentType), read(spec.size));
  });
}

function fromIndexed(spec: MediaSource, scope: ReadScope): InboundMedia[] {
  const start = spec.start ?? 0;
  const keyOf = (template: string, i: number) =>
    template.replaceAll('{i}', spec.unnumberedFirst === true && i === start ? '' : String(i));
  // Without a count (image, image2, …) keys are read until the first one missing.
  const counted = spec.count !== undefined;
  const count = counted ? countOf(readSource(spec.count, scope) ?? '0') : MAX_MEDIA;
  const out: InboundMedia[] = [];
  for (let i = start; i < start + count; i++) {
    const read = (template: string | undefined) =>
      template === undefined ? undefined : firstValue(scope.pairs, keyOf(template, i));
    const url = read(spec.url);
    if (!counted && (url === undefined || url === '')) break;
    out.push(...attachment(url, read(spec.contentType), read(spec.size)));
  }
  return out;
}

function countOf(text: string): number {
  if (!/^\d+$/.test(text)) throw new WebhookFailure('WEBHOOK_MALFORMED', `the media count "${text}" is not a number`);
  return Math.min(Number(text), MAX_MEDIA);
}

/** One attachment, or none without a URL; a size that is not a whole number of bytes is left out. */
function attachment(url: string | undefined, type: string | undefined, size: string | undefined): InboundMedia[] {
  if (url === undefined || url === '') return [];
  const bytes = size !== undefined && /^\d+$/.test(size) ? Number(size) : undefined;
  return [
    {
      url,
      ...(type === undefined || type === '' ? {} : { contentType: type }),
      ...(bytes === undefined || !Number.isSafeInteger(bytes) ? {} : { size: bytes }),
    },
  ];
}
