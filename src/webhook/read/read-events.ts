/**
 * Reads a verified request into normalised events: parse the body by its format, fan out over an
 * array of events, choose each event's description by its type (a type the file does not describe
 * is ignored, never guessed), fan out inside an event, then read each field.
 */
import { pointerValue as getPointer } from './pointer.js';
import type { WebhookEventSpec, WebhookRead } from '../../generated/provider.js';
import type { IgnoredEvent, InboundEvent, StatusEvent, WebhookEvent } from '../events.js';
import { WebhookFailure } from '../failure.js';
import type { Pair, RequestFacts } from '../request.js';
import { dedupeKey } from './dedupe.js';
import { readMedia } from './media.js';
import { digestWindow, readSource, type ReadScope } from './source.js';

/** The pairs form keys, query keys and params are read from, by the read's format. */
const PAIRS: Record<WebhookRead['format'], (facts: RequestFacts) => readonly Pair[]> = {
  form: (facts) => facts.form(),
  query: (facts) => facts.query(),
  params: (facts) => facts.params(),
  json: () => [],
};

/** What the events are read for: their provider, endpoint and the account's default country. */
export interface ReadContext {
  readonly providerId: string;
  readonly endpoint: string;
  readonly defaultCountry: string | undefined;
}

/** The events of the request, and those ignored. Throws WEBHOOK_MALFORMED for a body that does not read. */
export function readEvents(
  spec: WebhookRead,
  facts: RequestFacts,
  context: ReadContext,
): { events: WebhookEvent[]; ignored: IgnoredEvent[] } {
  const pairs = PAIRS[spec.format](facts);
  const body =
    spec.format !== 'json' ? undefined : spec.jsonIn === undefined ? facts.json() : facts.jsonInForm(spec.jsonIn);
  const list = spec.each === undefined ? [body] : getPointer(body, spec.each);
  if (!Array.isArray(list))
    throw new WebhookFailure('WEBHOOK_MALFORMED', `the body has no array of events at "${spec.each}"`);
  const events: WebhookEvent[] = [];
  const ignored: IgnoredEvent[] = [];
  list.forEach((event: unknown, index) => {
    const scope: ReadScope = { facts, pairs, event, item: undefined, defaultCountry: context.defaultCountry };
    const where = spec.each === undefined ? 'the event' : `event ${index}`;
    let eventSpec = spec.event;
    if (spec.type !== undefined) {
      const type = readSource(spec.type, scope);
      eventSpec = type === undefined ? undefined : spec.events?.[type];
      if (eventSpec === undefined) {
        ignored.push({
          type: type ?? '',
          reason: `${where} has type "${type ?? ''}", which the provider file does not describe`,
        });
        return;
      }
    }
    if (eventSpec === undefined) return;
    readOne(eventSpec, scope, where, context, events, ignored);
  });
  return { events, ignored };
}

function readOne(
  spec: WebhookEventSpec,
  scope: ReadScope,
  where: string,
  context: ReadContext,
  events: WebhookEvent[],
  ignored: IgnoredEvent[],
): void {
  const items: unknown = spec.each === undefined ? [undefined] : getPointer(scope.event, spec.each);
  if (!Array.isArray(items)) throw new WebhookFailure('WEBHOOK_MALFORMED', `${where} has no array at ${spec.each}`);
  for (const itemScope of scopes(spec, scope, items as unknown[], where)) {
    const eventId = readSource(spec.eventId, itemScope);
    const read = spec.kind === 'inbound' ? readInbound(spec, itemScope, where) : readStatus(spec, itemScope, where);
    if ('ignored' in read) {
      ignored.push(read.ignored);
      continue;
    }
    // `read` is this event's own fresh object: completed in place rather than copied.
    (read as { dedupeKey?: string }).dedupeKey = dedupeKey(context.providerId, context.endpoint, eventId, read);
    const window = identityWindow(spec, itemScope);
    if (window !== undefined) (read as { dedupeWindowSeconds?: number }).dedupeWindowSeconds = window;
    events.push(read as WebhookEvent);
  }
}

/**
 * How long the event's identity holds: the shortest window of the digests its key is built from
 * (the provider's event id and message id), undefined when either is an id the provider sent.
 */
function identityWindow(spec: WebhookEventSpec, scope: ReadScope): number | undefined {
  const windows = [spec.eventId, spec.providerMessageId]
    .filter((source) => source !== undefined && readSource(source, scope) !== undefined)
    .map((source) => digestWindow(source, scope));
  if (windows.length === 0 || windows.some((w) => w === undefined)) return undefined;
  return Math.min(...(windows as number[]));
}

/**
 * One scope per event of the fan-out: per element of `each`, and with `eachWithin` per element of
 * the array inside it (an element without that array is one event of its own).
 */
function* scopes(spec: WebhookEventSpec, scope: ReadScope, items: unknown[], where: string): Generator<ReadScope> {
  const { facts, pairs, event, defaultCountry } = scope;
  for (const item of items) {
    if (item === undefined) {
      yield scope;
      continue;
    }
    const nested = spec.eachWithin === undefined ? undefined : getPointer(item, spec.eachWithin);
    if (nested === undefined || nested === null) {
      yield { facts, pairs, event, item, defaultCountry };
      continue;
    }
    if (!Array.isArray(nested))
      throw new WebhookFailure('WEBHOOK_MALFORMED', `${where} has no array at ${spec.each}/*${spec.eachWithin}`);
    for (const within of nested as unknown[]) yield { facts, pairs, event, item, within, defaultCountry };
  }
}

function required(
  spec: WebhookEventSpec,
  field: 'from' | 'to' | 'providerMessageId' | 'status',
  scope: ReadScope,
  where: string,
): string {
  const value = readSource(spec[field], scope);
  if (value === undefined)
    throw new WebhookFailure('WEBHOOK_MALFORMED', `${where} has no ${field} (${describe(spec[field])})`);
  return value;
}

function describe(source: unknown): string {
  return Object.entries(source as Record<string, unknown>)
    .filter(([k]) => ['form', 'query', 'param', 'json', 'item', 'within', 'header'].includes(k))
    .map(([k, v]) => `${k} ${String(v)}`)
    .join('');
}

type Read<T> = Omit<T, 'dedupeKey'> | { ignored: IgnoredEvent };

function readInbound(spec: WebhookEventSpec, scope: ReadScope, where: string): Read<InboundEvent> {
  const event: { -readonly [K in keyof InboundEvent]?: InboundEvent[K] } = {
    type: 'inbound',
    from: required(spec, 'from', scope, where),
    to: required(spec, 'to', scope, where),
    text: readSource(spec.text, scope) ?? '',
    providerMessageId: required(spec, 'providerMessageId', scope, where),
  };
  const receivedAt = readSource(spec.receivedAt, scope);
  if (receivedAt !== undefined) event.receivedAt = receivedAt;
  event.media = readMedia(spec.media, scope);
  return event as Omit<InboundEvent, 'dedupeKey'>;
}

function readStatus(spec: WebhookEventSpec, scope: ReadScope, where: string): Read<StatusEvent> {
  const providerStatus = required(spec, 'status', scope, where);
  const mapped = spec.statuses?.[providerStatus] ?? 'unknown';
  if (mapped === 'ignore')
    return {
      ignored: {
        type: providerStatus,
        reason: `${where} has status "${providerStatus}", which the provider file ignores`,
      },
    };
  // Built by assignment in the contract's field order (no spread per optional field): a callback may hold hundreds.
  const event: { -readonly [K in keyof StatusEvent]?: StatusEvent[K] } = {
    type: 'status',
    providerMessageId: required(spec, 'providerMessageId', scope, where),
  };
  const messageId = readSource(spec.messageId, scope);
  if (messageId !== undefined) event.messageId = messageId;
  event.status = mapped;
  const errorCode = readSource(spec.errorCode, scope);
  if (errorCode !== undefined) event.errorCode = errorCode;
  if (errorCode !== undefined && spec.optedOutCodes?.includes(errorCode) === true) event.optedOut = true;
  const error = readSource(spec.error, scope);
  if (error !== undefined) event.error = error;
  const at = readSource(spec.at, scope);
  if (at !== undefined) event.at = at;
  return event as Omit<StatusEvent, 'dedupeKey'>;
}
