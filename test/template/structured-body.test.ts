/**
 * Issue 15 item 5: structured bodies are compiled at load (keys, constants, omitEmpty resolved),
 * and a render only fills in templates. The bytes must be exactly what building the value and
 * handing it to JSON.stringify (or form-encoding its entries) gives, for any shape, any text and
 * any omitEmpty rule: checked here against that plain model, with random bodies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileStructuredBody, renderBody } from '../../src/template/body.js';
import type { KnownNames } from '../../src/template/compile.js';
import { MASK } from '../../src/template/render.js';

fc.configureGlobal({ numRuns: 300 });

const KNOWN: KnownNames = { params: ['a', 'b'], accountKeys: ['password'], secrets: new Set(['password']) };
/** Leaf templates: literal text, parameters that may be empty, and a secret. */
const leaf = fc.constantFrom('%a%', '%b%', 'x %a% y', '', 'lit', '%account[password]%', '50% & "q"\n', '%a%%b%');
const key = fc.constantFrom('to', 'text', 'a/b', 'm~n', '0', '10', '2', '__proto__', 'constructor', 'ä é', '');
const constant = fc.constantFrom(0, -1.5, 1e21, true, false, null);
const { node } = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    constant,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
}));
const flat = fc.dictionary(key, leaf, { maxKeys: 5 });
const values = fc.record({ a: fc.constantFrom('', 'x', 'ä+&=%"\\\n', '😀'), b: fc.constantFrom('', '1 2') });

/** Every text leaf's JSON Pointer, the names an omitEmpty list may use. */
function leafPointers(value: unknown, at = ''): string[] {
  if (typeof value === 'string') return [at];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    leafPointers(v, `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`),
  );
}

/** The plain model: substitute, drop what omitEmpty drops, build the value, serialise it. */
function model(value: unknown, scope: Record<string, string>, omit: boolean | Set<string>, at = ''): unknown {
  if (typeof value === 'string')
    return value.replace(/%(a|b|account\[password\])%/g, (_, name: string) =>
      name === 'account[password]' ? 'pw' : (scope[name] ?? ''),
    );
  if (value === null || typeof value !== 'object') return value;
  const child = (k: string) => `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  if (Array.isArray(value)) return value.map((v, i) => model(v, scope, omit, child(String(i))));
  const entries = Object.entries(value).map(([k, v]) => [k, model(v, scope, omit, child(k))] as const);
  return Object.fromEntries(
    entries.filter(([k, v]) => !(v === '' && (omit === true || (omit !== false && omit.has(child(k)))))),
  );
}

const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A random omitEmpty rule for `value`: all, none, or some of its text fields. */
const omitFor = (value: unknown) => fc.oneof(fc.boolean(), fc.subarray(leafPointers(value)));

describe('structured bodies compiled at load', () => {
  it('render JSON exactly as JSON.stringify of the substituted value, with any omitEmpty rule', () => {
    fc.assert(
      fc.property(
        node.chain((value) => fc.tuple(fc.constant(value), omitFor(value))),
        values,
        ([value, omitEmpty], scope) => {
          const { body, problems } = compileStructuredBody(value, 'application/json', KNOWN, omitEmpty);
          expect(problems).toEqual([]);
          const omit = typeof omitEmpty === 'boolean' ? omitEmpty : new Set(omitEmpty);
          const rendered = renderBody(body, { params: scope, account: { password: 'pw' } });
          expect(rendered).toBe(JSON.stringify(model(value, scope, omit)));
        },
      ),
    );
  });

  it('render a form exactly as its entries percent-encoded, with any omitEmpty rule, and mask secrets readably', () => {
    fc.assert(
      fc.property(
        flat.chain((value) => fc.tuple(fc.constant(value), omitFor(value))),
        values,
        ([value, omitEmpty], scope) => {
          const { body, problems } = compileStructuredBody(
            value,
            'application/x-www-form-urlencoded',
            KNOWN,
            omitEmpty,
          );
          expect(problems).toEqual([]);
          const omit = typeof omitEmpty === 'boolean' ? omitEmpty : new Set(omitEmpty);
          const entries = Object.entries(model(value, scope, omit) as Record<string, unknown>);
          const rendered = renderBody(body, { params: scope, account: { password: 'pw' } });
          expect(rendered).toBe(entries.map(([k, v]) => `${encode(k)}=${encode(String(v))}`).join('&'));
          const masked = renderBody(body, { params: scope, account: { password: 'pw' } }, true);
          expect(masked.includes('pw')).toBe(false);
          if (Object.values(value).includes('%account[password]%')) expect(masked).toContain(`=${MASK}`);
        },
      ),
    );
  });

  it('drops a listed field inside an array element only where it renders empty', () => {
    const { body } = compileStructuredBody(
      { messages: [{ to: '%a%', notify: '%b%' }, { to: '%b%' }] },
      'application/json',
      KNOWN,
      ['/messages/0/notify'],
    );
    expect(renderBody(body, { params: { a: '1', b: '' }, account: {} })).toBe('{"messages":[{"to":"1"},{"to":""}]}');
    expect(renderBody(body, { params: { a: '1', b: 'y' }, account: {} })).toBe(
      '{"messages":[{"to":"1","notify":"y"},{"to":"y"}]}',
    );
  });
});
