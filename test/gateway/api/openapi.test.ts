/**
 * Issue 19, item 2: the document at /v1/openapi.json of a real `switchboard serve` process passes
 * an OpenAPI 3.1 validator, is built from the JSON Schemas in schemas/ that validate the requests
 * (its components are those files, not a copy), and the client types the other API tests use are
 * exactly what openapi-typescript makes of it. Uses dist/ (run `npm run build` first).
 *
 * After changing an API schema, regenerate the types: UPDATE_OPENAPI_TYPES=1 npx vitest run test/gateway/api/openapi.test.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/config/paths.js';
import { clientTypes } from '../../helpers/api.js';
import { serveProcess, writeGatewayFiles, type ServedGateway } from '../../helpers/gateway.js';

const TYPES = new URL('../../generated/openapi.ts', import.meta.url);
let gateway: ServedGateway;
let document: Record<string, unknown>;

beforeAll(async () => {
  const { file } = await writeGatewayFiles('http://127.0.0.1:9', [
    { login: 'alice', password: 'pw', numbers: ['+15550100001'] },
  ]);
  gateway = await serveProcess(file);
  const response = await fetch(`${gateway.url}/v1/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as Record<string, unknown>;
}, 30_000);

afterAll(() => {
  gateway?.child.kill('SIGTERM');
});

describe('the served OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by @seriousme/openapi-schema-validator, with no key needed to read it', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('holds the request and answer schemas of schemas/api-*.schema.json as they are, references made local', async () => {
    const schemas = (document.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    for (const name of ['api-send-request', 'api-message', 'api-list-query', 'api-problem']) {
      const file = JSON.parse(await readFile(packagePath('schemas', `${name}.schema.json`), 'utf8')) as Record<
        string,
        unknown
      >;
      const { $schema: _schema, $id: _id, ...rest } = file;
      const expected = JSON.parse(
        JSON.stringify(rest).replace(
          /"([a-z-]+)\.schema\.json"/g,
          (_m, n: string) => `"#/components/schemas/${title(n)}"`,
        ),
      ) as unknown;
      expect(schemas[String(file.title)]).toEqual(expected);
    }
  });

  it('lists every stable problem code, and each list parameter is a property of the query schema', () => {
    const schemas = (document.components as { schemas: Record<string, { properties: Record<string, unknown> }> })
      .schemas;
    expect((schemas.ApiProblem?.properties.code as { enum: string[] }).enum).toContain('IDEMPOTENCY_KEY_REUSED');
    const list = (document.paths as Record<string, { get?: { parameters: { name: string }[] } }>)['/v1/messages'];
    expect(list?.get?.parameters.map((p) => p.name)).toEqual(Object.keys(schemas.ApiListQuery?.properties ?? {}));
  });

  it('makes, through openapi-typescript, exactly the client types the API tests use (test/generated/openapi.ts)', async () => {
    const made = await clientTypes(document);
    if (process.env.UPDATE_OPENAPI_TYPES !== undefined) await writeFile(TYPES, made);
    expect(await readFile(TYPES, 'utf8')).toBe(made);
  });
});

/** A schema file's title from its name: api-send-request → ApiSendRequest. */
function title(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase());
}
