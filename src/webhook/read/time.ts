/** Provider times to ISO 8601 UTC; a value that is not a time in its declared format gives undefined. */
import type { FieldSource } from '../../generated/provider.js';

type TimeFormat = NonNullable<FieldSource['time']>;

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UTC_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;

/** `text` in `format` as an ISO 8601 UTC string. */
export function toIsoTime(text: string, format: TimeFormat): string | undefined {
  if (format === 'iso8601' && CANONICAL.test(text)) return text; // already what we would write
  let ms: number;
  switch (format) {
    case 'iso8601':
      ms = Date.parse(text);
      break;
    case 'unixSeconds':
      ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : NaN;
      break;
    case 'unixMillis':
      ms = /^\d+$/.test(text) ? Number(text) : NaN;
      break;
    case 'utcDateTime': {
      const m = UTC_DATE_TIME.exec(text);
      ms = m === null ? NaN : Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}Z`);
      break;
    }
  }
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
