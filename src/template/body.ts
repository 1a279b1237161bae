/**
 * Request bodies: Acrobits-style `postData` text, or a structured `body` whose string leaves are
 * templates. Both compile once; both render to text that must parse as the declared content type.
 */
import { xmlProblem } from '../response/xml.js';
import { compileTemplate, type CompiledTemplate, type KnownNames } from './compile.js';
import { bodyKind, type TemplateKind } from './contexts.js';
import { percentEncode } from './escape.js';
import { MASK, renderTemplate, type Scope } from './render.js';
import type { Attachment } from '../generated/attachment.js';
import { MEDIA_ITEM_PARAMS } from '../provider/services.js';

/** A compiled body: text template, or a structure with template leaves. */
export type CompiledBody =
  | { readonly kind: 'text'; readonly template: CompiledTemplate; readonly format: TemplateKind }
  | {
      readonly kind: 'structured';
      /** The structure, with each field's key already written for the wire and omitEmpty resolved. */
      readonly shape: Shape;
      readonly format: 'json' | 'form';
    };

/**
 * A compiled structure. Everything that does not depend on the values is worked out at load: the
 * JSON text of constants and keys, the form-encoded keys, and which fields an omitEmpty rule drops
 * when they render empty. A render then only fills in templates.
 */
type Shape =
  | { readonly kind: 'template'; readonly template: CompiledTemplate }
  /** `{"$media": item}`: the item once per attachment (a JSON array, or repeated form fields). */
  | { readonly kind: 'media'; readonly item: Shape }
  | { readonly kind: 'constant'; readonly value: number | boolean | null; readonly json: string }
  | { readonly kind: 'array'; readonly items: readonly Shape[] }
  | { readonly kind: 'object'; readonly fields: readonly Field[] };

/** One member of an object: its key, written once for JSON (`"key":`) and for a form (`key=`). */
interface Field {
  readonly key: string;
  readonly jsonKey: string;
  readonly formKey: string;
  /** For a `$media` field of a form: the key as a template (`media_urls[%media_index%]`), when it has placeholders. */
  readonly keyTemplate: CompiledTemplate | undefined;
  readonly shape: Shape;
  /** Left out when it renders to the empty string (omitEmpty true, or its pointer listed). */
  readonly omitIfEmpty: boolean;
}

/** Compiles a text body template for `contentType`. */
export function compileTextBody(source: string, contentType: string, known: KnownNames) {
  const format = bodyKind(contentType);
  const { template, problems } = compileTemplate(source, format, known);
  return { body: { kind: 'text', template, format } as CompiledBody, problems };
}

/**
 * Compiles a structured body; only JSON and (flat) form bodies can be built from structure.
 * `omitEmpty` is the service's: true, false, or the JSON Pointers of the fields that may be left out.
 */
export function compileStructuredBody(
  value: unknown,
  contentType: string,
  known: KnownNames,
  omitEmpty: boolean | readonly string[] = false,
) {
  const format = bodyKind(contentType);
  const problems: { pointer: string; message: string }[] = [];
  if (format !== 'json' && format !== 'form') {
    problems.push({
      pointer: '',
      message: `a structured body needs a JSON or form content type, not "${contentType}"; use postData for other types`,
    });
  }
  const listed: readonly string[] = typeof omitEmpty === 'boolean' ? [] : omitEmpty;
  const omitted = new Set(listed);
  const leaves = new Set<string>();
  // Inside a `$media` node the item's templates also know the attachment's position.
  const itemKnown: KnownNames = { ...known, params: [...known.params, ...MEDIA_ITEM_PARAMS] };
  // Pointers are built here, once, to find the fields the omitEmpty list names; renders never see them.
  const compileNode = (node: unknown, pointer: string, depth: number, names: KnownNames, inMedia: boolean): Shape => {
    if (typeof node === 'string') {
      leaves.add(pointer);
      const result = compileTemplate(node, 'raw', names);
      for (const message of result.problems) problems.push({ pointer, message });
      return { kind: 'template', template: result.template };
    }
    if (isMediaNode(node)) {
      const at = `${pointer}/$media`;
      if (inMedia) problems.push({ pointer: at, message: 'a $media node cannot stand inside another' });
      if (format === 'form' && (depth !== 1 || typeof node.$media !== 'string'))
        problems.push({
          pointer: at,
          message: 'in a form body, $media must be the value of a field and a text template',
        });
      return { kind: 'media', item: compileNode(node.$media, at, depth, itemKnown, true) };
    }
    if (format === 'form' && depth > 0)
      problems.push({ pointer, message: 'a form body must be a flat object of text values' });
    if (Array.isArray(node))
      return {
        kind: 'array',
        items: node.map((item, i) => compileNode(item, `${pointer}/${i}`, depth + 1, names, inMedia)),
      };
    if (node !== null && typeof node === 'object') {
      // Object.entries gives the order JSON.stringify would write (integer-like keys first).
      const fields = Object.entries(node).map(([key, v]): Field => {
        const at = `${pointer}/${escapePointer(key)}`;
        const shape = compileNode(v, at, depth + 1, names, inMedia);
        return {
          key,
          jsonKey: `${JSON.stringify(key)}:`,
          formKey: `${percentEncode(key)}=`,
          keyTemplate: shape.kind === 'media' && format === 'form' ? keyTemplate(key, at) : undefined,
          shape,
          omitIfEmpty: omitEmpty === true || omitted.has(at),
        };
      });
      return { kind: 'object', fields };
    }
    const constant = node as number | boolean | null;
    return { kind: 'constant', value: constant, json: JSON.stringify(constant) };
  };
  /** A form field's key that places each attachment under its own name (`MediaUrl%media_index%`). */
  const keyTemplate = (key: string, pointer: string): CompiledTemplate | undefined => {
    const result = compileTemplate(key, 'raw', itemKnown);
    for (const message of result.problems) problems.push({ pointer, message: `in the key: ${message}` });
    return result.template.parts.some((part) => part.kind === 'value') ? result.template : undefined;
  };
  const shape = compileNode(value, '', 0, known, false);
  if (format === 'form' && (Array.isArray(value) || typeof value !== 'object')) {
    problems.push({ pointer: '', message: 'a form body must be an object' });
  }
  listed.forEach((pointer, i) => {
    if (!leaves.has(pointer))
      problems.push({ pointer: `#omitEmpty/${i}`, message: `${pointer} is not a text field of the body` });
  });
  const body: CompiledBody = { kind: 'structured', shape, format: format === 'form' ? 'form' : 'json' };
  return { body, problems };
}

/** `{"$media": item}`: the one shape of a node that stands for every attachment. */
function isMediaNode(node: unknown): node is { $media: unknown } {
  return (
    node !== null &&
    typeof node === 'object' &&
    !Array.isArray(node) &&
    Object.keys(node).length === 1 &&
    '$media' in node
  );
}

/**
 * The scope of one attachment inside a `$media` node: its facts as %media_url%, %media_content_type%,
 * %media_filename% and %media_size%, its position as %media_index% (from 0) and %media_number% (from 1).
 */
function itemScope(scope: Scope, attachment: Attachment, index: number): Scope {
  const params = Object.create(scope.params) as Record<string, string>;
  params.media_url = attachment.url;
  params.media_content_type = attachment.contentType ?? '';
  params.media_filename = attachment.filename ?? '';
  params.media_size = attachment.size === undefined ? '' : String(attachment.size);
  params.media_index = String(index);
  params.media_number = String(index + 1);
  return { params, account: scope.account };
}

/** The JSON texts of a `$media` node's item, one per attachment. */
function renderMediaItems(item: Shape, scope: Scope, mask: boolean): string[] {
  return (scope.media ?? []).map((attachment, i) => renderJson(item, itemScope(scope, attachment, i), mask));
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Renders a body to the text sent on the wire. */
export function renderBody(body: CompiledBody, scope: Scope, mask = false): string {
  if (body.kind === 'text') return renderTemplate(body.template, scope, mask);
  if (body.format === 'json') return renderJson(body.shape, scope, mask);
  return renderForm(body.shape, scope, mask);
}

/** The JSON text of a shape, as JSON.stringify would write the value it stands for. */
function renderJson(shape: Shape, scope: Scope, mask: boolean): string {
  switch (shape.kind) {
    case 'template':
      return JSON.stringify(renderTemplate(shape.template, scope, mask));
    case 'constant':
      return shape.json;
    case 'media':
      return `[${renderMediaItems(shape.item, scope, mask).join(',')}]`;
    case 'array': {
      // A $media element stands for its items, spliced in (a text segment, then one per file).
      const texts: string[] = [];
      for (const item of shape.items)
        if (item.kind === 'media') texts.push(...renderMediaItems(item.item, scope, mask));
        else texts.push(renderJson(item, scope, mask));
      return `[${texts.join(',')}]`;
    }
    case 'object': {
      let out = '';
      for (const field of shape.fields) {
        let text: string;
        // A message without attachments leaves their field out, as it was before media.
        if (field.shape.kind === 'media' && (scope.media === undefined || scope.media.length === 0)) continue;
        if (field.shape.kind === 'template') {
          const value = renderTemplate(field.shape.template, scope, mask);
          if (value === '' && field.omitIfEmpty) continue;
          text = JSON.stringify(value);
        } else text = renderJson(field.shape, scope, mask);
        out += (out === '' ? '{' : ',') + field.jsonKey + text;
      }
      return out === '' ? '{}' : `${out}}`;
    }
  }
}

/** A flat form body: `key=value` pairs joined with `&`, values percent-encoded. */
function renderForm(shape: Shape, scope: Scope, mask: boolean): string {
  if (shape.kind !== 'object') return '';
  let out = '';
  for (const field of shape.fields) {
    if (field.shape.kind === 'media') {
      out += renderFormMedia(field, field.shape.item, scope, mask, out === '');
      continue;
    }
    let value: string;
    if (field.shape.kind === 'template') {
      value = renderTemplate(field.shape.template, scope, mask);
      if (value === '' && field.omitIfEmpty) continue;
    } else value = String(valueOf(field.shape, scope, mask)); // refused at load; kept total
    out += (out === '' ? '' : '&') + field.formKey + encodeMasked(value, mask);
  }
  return out;
}

/**
 * A `$media` field of a form: one pair per attachment, under the same key (`MediaUrl=a&MediaUrl=b`)
 * or under a key of its own when the key is a template (`media_urls[%media_index%]`).
 */
function renderFormMedia(field: Field, item: Shape, scope: Scope, mask: boolean, first: boolean): string {
  const media = scope.media;
  // A text message, the common case, costs one test.
  if (media === undefined || media.length === 0 || item.kind !== 'template') return '';
  let out = '';
  media.forEach((attachment, i) => {
    const inner = itemScope(scope, attachment, i);
    const key =
      field.keyTemplate === undefined
        ? field.formKey
        : `${percentEncode(renderTemplate(field.keyTemplate, inner, mask))}=`;
    out += (first && out === '' ? '' : '&') + key + encodeMasked(renderTemplate(item.template, inner, mask), mask);
  });
  return out;
}

/** The plain value a shape stands for (only for a form field that is not text, which load refuses). */
function valueOf(shape: Shape, scope: Scope, mask: boolean): unknown {
  switch (shape.kind) {
    case 'template':
      return renderTemplate(shape.template, scope, mask);
    case 'constant':
      return shape.value;
    case 'media':
      return (scope.media ?? []).map((a, i) => valueOf(shape.item, itemScope(scope, a, i), mask));
    case 'array':
      return shape.items.map((item) => valueOf(item, scope, mask));
    case 'object':
      return Object.fromEntries(
        shape.fields
          .map((field) => [field.key, valueOf(field.shape, scope, mask)] as const)
          .filter(([, value], i) => !(value === '' && shape.fields[i]?.omitIfEmpty)),
      );
  }
}

/** Percent-encodes a form value; in masked output the `****` standing for a secret stays readable. */
function encodeMasked(value: string, mask: boolean): string {
  return mask ? value.split(MASK).map(percentEncode).join(MASK) : percentEncode(value);
}

/** Every template of a body (for secrets and used parameters). */
export function bodyTemplates(body: CompiledBody | undefined): CompiledTemplate[] {
  if (body === undefined) return [];
  if (body.kind === 'text') return [body.template];
  const found: CompiledTemplate[] = [];
  const visit = (shape: Shape): void => {
    if (shape.kind === 'template') found.push(shape.template);
    else if (shape.kind === 'media') visit(shape.item);
    else if (shape.kind === 'array') shape.items.forEach(visit);
    else if (shape.kind === 'object')
      for (const field of shape.fields) {
        if (field.keyTemplate !== undefined) found.push(field.keyTemplate);
        visit(field.shape);
      }
  };
  visit(body.shape);
  return found;
}

/**
 * Checks that rendered body text parses as its format; returns what is wrong, or undefined.
 * Runs on every rendered body before it is sent.
 */
export function bodyProblem(text: string, format: TemplateKind): string | undefined {
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      return `the rendered JSON body does not parse (${(error as Error).message})`;
    }
  } else if (format === 'xml') {
    // The same reader that reads responses, so "parses" means one thing (and is linear in the size).
    const problem = xmlProblem(text);
    if (problem) return `the rendered XML body does not parse (${problem.message}, line ${problem.line})`;
  } else if (format === 'form') {
    for (const pair of text.split('&')) {
      try {
        decodeURIComponent(pair.replaceAll('+', ' '));
      } catch {
        return `the rendered form body has a malformed percent-encoding in "${pair.slice(0, 40)}"`;
      }
    }
  }
  return undefined;
}
