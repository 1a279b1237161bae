/**
 * The catalogue as a whole: every provider file is valid and complete, and passes the fixtures
 * taken from its documentation, run by one harness against a loopback server.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS_DIR } from '../src/config/paths.js';
import { loadProvider } from '../src/config/load-provider.js';
import { validateAgainst } from '../src/config/schemas.js';
import { runFixture } from '../src/fixtures/run-fixture.js';
import type { ProviderFixture } from '../src/generated/fixture.js';
import type { ProviderFile } from '../src/generated/provider.js';
import { parseTemplate, placeholders } from '../src/template/parse.js';

const ids = readdirSync(PROVIDERS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();
const fixtureDir = (id: string) => join(PROVIDERS_DIR, 'fixtures', id);
const fixturesOf = (id: string) =>
  existsSync(fixtureDir(id))
    ? readdirSync(fixtureDir(id))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [f, JSON.parse(readFileSync(join(fixtureDir(id), f), 'utf8')) as ProviderFixture] as const)
    : [];

describe.each(ids)('provider %s', (id) => {
  const file = JSON.parse(readFileSync(join(PROVIDERS_DIR, `${id}.json`), 'utf8')) as ProviderFile;

  it('is schema-valid, starts with $schema, and its id equals its file name', async () => {
    await expect(loadProvider(id)).resolves.toMatchObject({ id });
    expect(Object.keys(file)[0]).toBe('$schema');
  });

  it('links its API reference, describes and marks every parameter, and uses each one', () => {
    expect(file.docs).toMatch(/^https:\/\//);
    const used = new Set<string>();
    const media = file.media?.service ? [file.media.service] : [];
    for (const service of [...Object.values(file.services), ...media, ...(file.webhooks ? [file.webhooks] : [])]) {
      for (const ref of placeholders(parseTemplate(JSON.stringify(service))))
        if (ref.kind === 'account') used.add(ref.key);
    }
    for (const [name, spec] of Object.entries(file.parameters)) {
      expect(spec.description.length, `${name} description`).toBeGreaterThan(3);
      expect(typeof spec.required, `${name} required`).toBe('boolean');
      const credential =
        /password|token|secret/i.test(name) ||
        /^(?:the |an? )?(?:password|secret|auth token|api key|access key|api secret|token)\b/i.test(spec.description);
      if (credential && name !== 'username')
        expect(spec.secret, `${name} looks like a credential: mark it secret`).toBe(true);
      expect(used.has(name), `${name} is declared but never used`).toBe(true);
    }
  });

  it('has documented fixtures: at least one success and one error', () => {
    const fixtures = fixturesOf(id);
    for (const [name, fixture] of fixtures) expect(validateAgainst('fixture', fixture, name)).toEqual([]);
    expect(fixtures.some(([, f]) => f.result.ok)).toBe(true);
    expect(fixtures.some(([, f]) => !f.result.ok && f.result.error !== undefined)).toBe(true);
  });

  it('proves escaping with a successful message holding &, %, a quote, a newline and a non-ASCII letter', () => {
    const tricky = (body: string) =>
      ['&', '%', '"', '\n'].every((c) => body.includes(c)) && /[^\u0000-\u007F]/.test(body);
    expect(fixturesOf(id).some(([, f]) => f.result.ok && f.message !== undefined && tricky(f.message.body))).toBe(true);
  });

  it.each(fixturesOf(id).map(([name, fixture]) => [name, fixture.description, fixture] as const))(
    'fixture %s: %s',
    async (_name, _description, fixture) => {
      const run = await runFixture(await loadProvider(id), fixture);
      expect(run.differences).toEqual([]);
    },
  );
});

describe('the fixture runner', () => {
  it('answers an OAuth2 token request by its grant, whatever the token URL looks like (a placeholder in its path)', async () => {
    const { providerFromValue } = await import('../src/config/load-provider.js');
    const provider = providerFromValue(
      {
        id: 'tenant-oauth',
        name: 'Tenant OAuth',
        docs: 'https://example.com/docs',
        parameters: {
          tenant: { description: 'tenant id', required: true },
          username: { description: 'client id', required: true },
          password: { description: 'client secret', required: true, secret: true },
        },
        services: {
          sendMessage: {
            url: 'https://api.example.com/sms',
            contentType: 'application/json',
            body: { to: '%sms_to%', text: '%sms_body%' },
            auth: {
              type: 'oauth2',
              tokenUrl: 'https://login.example.com/%account[tenant]%/oauth2/token',
              clientId: '%account[username]%',
              clientSecret: '%account[password]%',
            },
          },
        },
      },
      'tenant-oauth.json',
    );
    const fixture: ProviderFixture = {
      description: 'a send after a token exchange',
      source: 'https://example.com/docs',
      account: { tenant: 't1', username: 'c', password: 's' },
      message: { to: '+15551231234', body: 'Hi' },
      request: { method: 'POST', path: '/sms', json: { to: '+15551231234', text: 'Hi' } },
      response: { status: 202, body: { id: 'm1' } },
      result: { ok: true, status: 202 },
    };
    const run = await runFixture(provider, fixture);
    expect(run.differences).toEqual([]);
    expect(run.request?.headers.authorization).toBe('Bearer fixture-token');
  });
});
