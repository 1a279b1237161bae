/**
 * U+0000 in what a provider posts. PostgreSQL cannot store it in text (SQLite can, so the stores
 * would differ), and a storing error would answer the provider 500, which it retries for hours:
 * the same request, the same error. A verified event keeps its message with the character dropped
 * (no SMS encoding carries it as text), and the caller logs how many events lost one.
 */
import type { WebhookEvent } from 'switchboard/internal/webhook/events.js';

/** `value` with U+0000 dropped from every string in it, however deep. */
function clean<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\0', '') as T;
  if (Array.isArray(value)) return value.map(clean) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)])) as T;
  return value;
}

/** The events with U+0000 dropped from their strings, and how many had one. */
export function withoutNul(events: readonly WebhookEvent[]): { events: WebhookEvent[]; cleaned: number } {
  let cleaned = 0;
  const out = events.map((event) => {
    if (!JSON.stringify(event).includes('\\u0000')) return event;
    cleaned++;
    return clean(event);
  });
  return { events: out, cleaned };
}
