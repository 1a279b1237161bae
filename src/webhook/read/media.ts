/** Attachments of an inbound message: indexed form keys (MediaUrl0..N) or a JSON array. */
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
  const list = getPointer(scope.event, pointer);
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new WebhookFailure('WEBHOOK_MALFORMED', `${pointer} is not an array of attachments`);
  return list.flatMap((element: unknown) => {
    const url = textAt(element, spec.url);
    if (url === undefined || url === '') return [];
    const type = spec.contentType === undefined ? undefined : textAt(element, spec.contentType);
    return [type === undefined || type === '' ? { url } : { url, contentType: type }];
  });
}

function fromIndexed(spec: MediaSource, scope: ReadScope): InboundMedia[] {
  const countText = readSource(spec.count, scope) ?? '0';
  if (!/^\d+$/.test(countText))
    throw new WebhookFailure('WEBHOOK_MALFORMED', `the media count "${countText}" is not a number`);
  const count = Math.min(Number(countText), MAX_MEDIA);
  const start = spec.start ?? 0;
  const out: InboundMedia[] = [];
  for (let i = start; i < start + count; i++) {
    const url = firstValue(scope.pairs, spec.url.replaceAll('{i}', String(i)));
    if (url === undefined || url === '') continue;
    const type =
      spec.contentType === undefined
        ? undefined
        : firstValue(scope.pairs, spec.contentType.replaceAll('{i}', String(i)));
    out.push(type === undefined || type === '' ? { url } : { url, contentType: type });
  }
  return out;
}
