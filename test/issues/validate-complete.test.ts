/**
 * Issue 9, item 18: `validate` runs every check a send's loading runs, knows route files, and
 * reports every problem of a file in one run.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

let dir: string;
const file = async (name: string, content: unknown) => {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const BAD_RULE = { conditions: [{ type: 'bogus' }], actions: [] };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-validate-'));
  await file('demo.json', { provider: 'demo', username: 'johndow', password: '12345678' });
});

describe('validate', () => {
  it('refuses an Acrobits account whose secret would go over plain http, as render does', async () => {
    const xml = await file(
      'insecure.xml',
      '<account><username>u</username><password>secret1</password><genericSmsSendUrl>http://sms.example.com/send?p=%account[password]%&amp;to=%sms_to%</genericSmsSendUrl></account>',
    );
    const rendered = await run('render', '--account', xml, '--to', '123', '--body', 'x');
    expect(rendered.code).toBe(2);
    const { code, out } = await run('validate', xml);
    expect(code).toBe(2);
    expect(out).toContain('a secret would be sent over plain http to sms.example.com');
  });

  it('recognises a route file by its $schema and checks the accounts it names', async () => {
    const routes = await file('routes.json', {
      $schema: '../schemas/routes.schema.json',
      routes: [{ prefix: '+1', accounts: ['demo.json'] }],
    });
    const { code, out } = await run('validate', routes);
    expect(out).toContain('routes.json: valid route file (1 route, 1 account)');
    expect(code).toBe(0);
  });

  it('recognises a route file by its shape, and reports the account it names that is missing', async () => {
    const routes = await file('shape.json', { routes: [{ prefix: '+1', accounts: ['missing.json'] }] });
    const { code, out } = await run('validate', routes);
    expect(code).toBe(2);
    expect(out).toContain('(route file)');
    expect(out).toContain('missing.json');
  });

  it('reports the template problems of a provider file together with its schema problems', async () => {
    const provider = await file('badprov.json', {
      id: 'badprov',
      name: 'x',
      parameters: { password: { description: 'p', required: true, secret: true } },
      services: { sendMessage: { url: 'https://x.example/%nope%', method: 'POST' } },
    });
    const { code, out } = await run('validate', provider);
    expect(code).toBe(2);
    expect(out).toContain('badprov.json#/docs: is required but missing');
    expect(out).toContain('badprov.json#/services/sendMessage/url: unknown placeholder %nope%');
  });

  it('reports the template problems of a JSON account together with its rewriting problems', async () => {
    const account = await file('badacct.json', {
      genericSmsSendUrl: 'https://x.example/%nope%?to=%sms_to%',
      rewriting: [BAD_RULE],
    });
    const { code, out } = await run('validate', account);
    expect(code).toBe(2);
    expect(out).toContain('badacct.json: 2 problems');
    expect(out).toContain('#/rewriting/0/conditions/0/type');
    expect(out).toContain('#/genericSmsSendUrl: unknown placeholder %nope%');
  });

  it('reports the template problems of Account XML together with its rewriting problems', async () => {
    const xml = await file(
      'bad.xml',
      '<account><genericSmsSendUrl>https://x.example/%nope%?to=%sms_to%</genericSmsSendUrl><rewriting><rule><conditions><condition type="bogus"/></conditions><actions/></rule></rewriting></account>',
    );
    const { code, out } = await run('validate', xml);
    expect(code).toBe(2);
    expect(out).toContain('bad.xml: 2 problems');
    expect(out).toContain('#/genericSmsSendUrl: unknown placeholder %nope%');
  });
});
