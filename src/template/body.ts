/**
 * Request bodies: Acrobits-style `postData` text, or a structured `body` whose string leaves are
 * templates. Both compile once; both render to text that must parse as the declared content type.
 */
import { xmlProblem } from '../response/xml.js';
import { compileTemplate, type CompiledTemplate, type KnownNames } from './compile.js';
import { bodyKind, type TemplateKind } from './contexts.js';
import { percentEncode } from './escape.js';
import { MASK, renderTemplate, type Scope } from './render.js';

/** A compiled body: text template, or a structure with template leaves. */
export type CompiledBody =
  | { readonly kind: 'text'; readonly template: CompiledTemplate; readonly format: TemplateKind }
  | {
      readonly kind: 'structured';
      readonly shape: Shape;
      readonly format: 'json' | 'form';
      /** Which fields are left out when they render empty: all, none, or those at these JSON Pointers. */
      readonly omitEmpty: boolean | ReadonlySet<string>;
    };

type Shape = CompiledTemplate | number | boolean | null | readonly Shape[] | { readonly [key: string]: Shape };

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
  const leaves = new Set<string>();
  const compileLeaf = (node: unknown, pointer: string, depth: number): Shape => {
    if (typeof node === 'string') {
      leaves.add(pointer);
      const result = compileTemplate(node, 'raw', known);
      for (const message of result.problems) problems.push({ pointer, message });
      return result.template;
    }
    if (format === 'form' && depth > 0)
      problems.push({ pointer, message: 'a form body must be a flat object of text values' });
    if (Array.isArray(node)) return node.map((item, i) => compileLeaf(item, `${pointer}/${i}`, depth + 1));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [k, compileLeaf(v, `${pointer}/${escapePointer(k)}`, depth + 1)]),
      );
    }
    return node as number | boolean | null;
  };
  const shape = compileLeaf(value, '', 0);
  if (format === 'form' && (Array.isArray(value) || typeof value !== 'object')) {
    problems.push({ pointer: '', message: 'a form body must be an object' });
  }
  const listed: readonly string[] = typeof omitEmpty === 'boolean' ? [] : omitEmpty;
  listed.forEach((pointer, i) => {
    if (!leaves.has(pointer))
      problems.push({ pointer: `#omitEmpty/${i}`, message: `${pointer} is not a text field of the body` });
  });
  const omit = typeof omitEmpty === 'boolean' ? omitEmpty : new Set(listed);
  const body: CompiledBody = {
    kind: 'structured',
    shape,
    format: format === 'form' ? 'form' : 'json',
    omitEmpty: omit,
  };
  return { body, problems };
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Renders a body to the text sent on the wire. */
export function renderBody(body: CompiledBody, scope: Scope, mask = false): string {
  if (body.kind === 'text') return renderTemplate(body.template, scope, mask);
  const value = materialize(body.shape, scope, mask, body.omitEmpty, '');
  if (body.format === 'json') return JSON.stringify(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${percentEncode(k)}=${encodeMasked(String(v), mask)}`)
    .join('&');
}

/** Percent-encodes a form value; in masked output the `****` standing for a secret stays readable. */
function encodeMasked(value: string, mask: boolean): string {
  return mask ? value.split(MASK).map(percentEncode).join(MASK) : percentEncode(value);
}

/** Renders a shape; `pointer` is where it sits, tracked only to find the fields an omitEmpty list names. */
function materialize(
  shape: Shape,
  scope: Scope,
  mask: boolean,
  omitEmpty: boolean | ReadonlySet<string>,
  pointer: string,
): unknown {
  if (shape === null || typeof shape !== 'object') return shape;
  const listed = typeof omitEmpty !== 'boolean';
  const at = (key: string | number) => (listed ? `${pointer}/${escapePointer(String(key))}` : '');
  if (Array.isArray(shape))
    return (shape as readonly Shape[]).map((s, i) => materialize(s, scope, mask, omitEmpty, at(i)));
  if (isTemplate(shape)) return renderTemplate(shape, scope, mask);
  const entries = Object.entries(shape as Record<string, Shape>).map(
    ([k, v]) => [k, materialize(v, scope, mask, omitEmpty, at(k))] as const,
  );
  if (omitEmpty === false) return Object.fromEntries(entries);
  const drop = (k: string, v: unknown) => v === '' && (omitEmpty === true || omitEmpty.has(at(k)));
  return Object.fromEntries(entries.filter(([k, v]) => !drop(k, v)));
}

/** Every template of a body (for secrets and used parameters). */
export function bodyTemplates(body: CompiledBody | undefined): CompiledTemplate[] {
  if (body === undefined) return [];
  if (body.kind === 'text') return [body.template];
  const found: CompiledTemplate[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (isTemplate(node)) found.push(node);
    else Object.values(node).forEach(visit);
  };
  visit(body.shape);
  return found;
}

function isTemplate(shape: object): shape is CompiledTemplate {
  return 'parts' in shape && 'source' in shape && Array.isArray((shape as CompiledTemplate).parts);
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
