/**
 * Account keys that look like a misspelt web-service key. Account XML may hold any key (SIP
 * settings, titles, keys of other apps), so an unknown key is no error; but one a letter away
 * from `genericSmsContentType` is almost surely that key, and without it the send goes out with
 * another content type. Such a key gets a warning naming the key it resembles.
 */
import { nearest } from '../config/nearest.js';
import type { ConfigIssue } from '../errors.js';
import type { ServiceName } from '../provider/services.js';
import { FIELDS, SERVICE_PREFIXES, keysFor, type Field } from './keys.js';

/** Every key a web service is read from. */
const SERVICE_KEYS: readonly string[] = (Object.keys(SERVICE_PREFIXES) as ServiceName[]).flatMap((service) =>
  (Object.keys(FIELDS) as Field[]).flatMap((field) => keysFor(service, field)),
);
const KNOWN = new Set(SERVICE_KEYS);

/**
 * A warning for each key of `values` that is not a web-service key but is close to one.
 * @example unknownKeyWarnings({ genericSmsContentTyp: 'application/json' }, 'a.xml')
 * // [{ pointer: '/genericSmsContentTyp', message: 'is not a key Switchboard reads; did you mean "genericSmsContentType"? …' }]
 */
export function unknownKeyWarnings(values: Readonly<Record<string, string>>, label: string): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  for (const key of Object.keys(values)) {
    if (KNOWN.has(key)) continue;
    const near = nearest(key, SERVICE_KEYS);
    if (near === undefined) continue;
    warnings.push({
      file: label,
      pointer: `/${key}`,
      message: `is not a key Switchboard reads; did you mean "${near}"? (kept as a plain account value, so the web service does not see it)`,
      code: 'ACCOUNT_UNKNOWN_KEY',
    });
  }
  return warnings;
}
