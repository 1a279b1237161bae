/**
 * The one place secrets are removed from text: every error, log line and response shown to a
 * person goes through a redactor built from the account's secret values.
 */
import { percentEncode } from './template/escape.js';
import { MASK } from './template/render.js';

/** Replaces every secret, and its URL-, JSON- and XML-escaped forms, with `****`. */
export type Redactor = (text: string) => string;

/** Builds a redactor for `secrets`; empty values are ignored. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
    forms.add(secret.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
    try {
      forms.add(percentEncode(secret));
      forms.add(encodeURIComponent(secret));
    } catch {
      // an unpaired surrogate cannot be URL-encoded, so it cannot appear URL-encoded either
    }
  }
  const ordered = [...forms].filter((f) => f !== '').sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((out, form) => (out.includes(form) ? out.split(form).join(MASK) : out), text);
}
