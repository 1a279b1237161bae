/**
 * Reads one field of an event: a form or query key, a JSON Pointer into the event or into the
 * current element of its fan-out (or of a nested one), a header, a constant, or a digest of other
 * fields; then, as declared, a phone number in E.164 and a time in ISO 8601. A source may name
 * another to read when it is absent (`else`).
 */
import { createHash } from 'node:crypto';
import { pointerText as textAt } from './pointer.js';
import type { FieldSource } from '../../generated/provider.js';
import { formatNumber } from '../../numbers/format.js';
import { firstValue, type Pair, type RequestFacts } from '../request.js';
import { toIsoTime } from './time.js';

/** Where the fields of one event are read from. */
export interface ReadScope {
  readonly facts: RequestFacts;
  /** The body's pairs (form), the URL's (query format), the request's parameters (params); empty for JSON. */
  readonly pairs: readonly Pair[];
  /** The event: the JSON body or one element of the read's `each`. */
  readonly event: unknown;
  /** The current element of the event's own `each`. */
  readonly item: unknown;
  /** The current element of the event's `eachWithin` (an array inside `item`). */
  readonly within?: unknown;
  readonly defaultCountry: string | undefined;
}

/** The raw text of the field, before number and time rules. */
function rawValue(source: FieldSource, scope: ReadScope): string | undefined {
  if (source.literal !== undefined) return source.literal;
  if (source.form !== undefined) return firstValue(scope.pairs, source.form);
  if (source.query !== undefined) return firstValue(scope.facts.query(), source.query);
  if (source.param !== undefined) return firstValue(scope.pairs, source.param);
  if (source.json !== undefined) return textAt(scope.event, source.json);
  if (source.item !== undefined) return textAt(scope.item, source.item);
  if (source.within !== undefined) return textAt(scope.within, source.within);
  if (source.header !== undefined) return scope.facts.header(source.header);
  if (source.digest !== undefined) return digest(source.digest, scope);
  return undefined;
}

/**
 * An id for an event the provider sends without one: the hex SHA-256 of the listed fields, each
 * written as `<length>:<value>` so that no value can pass for a boundary. Any field absent makes
 * the digest absent, so an identity is never built from fewer fields than the file names.
 */
function digest(parts: readonly FieldSource[], scope: ReadScope): string | undefined {
  const hash = createHash('sha256');
  for (const part of parts) {
    const value = readSource(part, scope);
    if (value === undefined) return undefined;
    hash.update(`${value.length}:${value}`);
  }
  return hash.digest('hex');
}

/**
 * The window of the digest that gives the source's value, when it is a digest with
 * `windowSeconds`; undefined when the value comes from anything else (an id the provider sent).
 */
export function digestWindow(source: FieldSource | undefined, scope: ReadScope): number | undefined {
  for (let next = source; next !== undefined; next = next.else) {
    const raw = rawValue(next, scope);
    if (raw !== undefined && raw !== '') return next.digest === undefined ? undefined : next.windowSeconds;
  }
  return undefined;
}

/** The field's value, or undefined when absent (or empty) and without a default. */
export function readSource(source: FieldSource | undefined, scope: ReadScope): string | undefined {
  if (source === undefined) return undefined;
  let raw = rawValue(source, scope);
  for (let next = source.else; (raw === undefined || raw === '') && next !== undefined; next = next.else)
    raw = rawValue(next, scope);
  const value = raw === undefined || raw === '' ? source.default : raw;
  if (value === undefined) return undefined;
  if (source.number) return readNumber(value.trim(), source.noPlus === true, scope.defaultCountry);
  if (source.time !== undefined) return toIsoTime(value.trim(), source.time);
  return value;
}

/** A phone number in E.164 when it is one; a short code or a name as sent. */
function readNumber(value: string, noPlus: boolean, defaultCountry: string | undefined): string {
  if (noPlus && /^[1-9][0-9]{6,14}$/.test(value)) {
    const international = formatNumber(`+${value}`, 'E164', undefined, false);
    if (international.ok) return international.value;
  }
  const formatted = formatNumber(value, 'E164', defaultCountry, true);
  return formatted.ok ? formatted.value : value;
}
