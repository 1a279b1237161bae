/**
 * Decides the position (escaping context) of every placeholder in a parsed template, by reading the
 * literal text around it: which part of a URL, inside or outside a JSON string, inside XML CDATA.
 */
import type { Context } from './escape.js';
import type { Part } from './parse.js';

/** What a template produces, which decides the contexts its placeholders can have. */
export type TemplateKind = 'url' | 'form' | 'json' | 'xml' | 'header' | 'raw';

/** A tracker reads literal text and answers the context of the next placeholder. */
interface Tracker {
  feed(text: string): void;
  /** A Context, or else an error message. */
  context(): string;
}

/** The context of each placeholder part, in order; an entry that is not a Context is an error message. */
export function placeholderContexts(parts: readonly Part[], kind: TemplateKind): string[] {
  const tracker = TRACKERS[kind]();
  const contexts: string[] = [];
  for (const part of parts) {
    if (part.kind === 'literal') tracker.feed(part.text);
    else contexts.push(tracker.context());
  }
  return contexts;
}

const constant = (context: Context) => (): Tracker => ({ feed() {}, context: () => context });

const TRACKERS: Record<TemplateKind, () => Tracker> = {
  url: urlTracker,
  form: constant('form'),
  json: jsonTracker,
  xml: xmlTracker,
  header: constant('header'),
  raw: constant('raw'),
};

function urlTracker(): Tracker {
  let state: 'scheme' | 'authority' | 'rest' = 'scheme';
  let seen = '';
  return {
    feed(text) {
      for (const c of text) {
        if (state === 'scheme') {
          seen += c;
          if (seen.endsWith('://')) state = 'authority';
        } else if (state === 'authority' && (c === '/' || c === '?' || c === '#')) {
          state = 'rest';
        }
      }
    },
    context() {
      if (state === 'scheme') return 'a URL must start with a literal http:// or https://, not a placeholder';
      return state === 'authority' ? 'urlAuthority' : 'urlComponent';
    },
  };
}

function jsonTracker(): Tracker {
  let inString = false;
  let escaped = false;
  return {
    feed(text) {
      for (const c of text) {
        if (!inString) inString = c === '"';
        else if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      }
    },
    context() {
      if (escaped) return 'a placeholder cannot follow a backslash inside a JSON string';
      return inString ? 'jsonString' : 'jsonLiteral';
    },
  };
}

function xmlTracker(): Tracker {
  let text = '';
  return {
    feed(chunk) {
      text += chunk;
    },
    context() {
      return text.lastIndexOf('<![CDATA[') > text.lastIndexOf(']]>') ? 'xmlCdata' : 'xml';
    },
  };
}

/**
 * A JSON type named with a version instead of a +json suffix, as JSON-protocol APIs name their
 * bodies: application/x-amz-json-1.0.
 */
const VERSIONED_JSON = /^application\/x-[a-z0-9.-]*-json-[0-9.]+$/;

/** Whether a lower-case media type (without parameters) is JSON. */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || VERSIONED_JSON.test(type);
}

/** The template kind for a request body of the given Content-Type. */
export function bodyKind(contentType: string): TemplateKind {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (isJsonMediaType(type)) return 'json';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  return 'raw';
}
