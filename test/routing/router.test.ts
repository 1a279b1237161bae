/** Routing and fallback in data: longest prefix wins; fall back only after a definite, retryable failure. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadRoutes } from '../../src/routing/load-routes.js';
import { createRouter } from '../../src/routing/router.js';
import { providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

/** Writes providers p-uk, p-us, p-backup (each POSTing to /<id>) and one account per provider, plus a route file. */
async function setup(routes: unknown) {
  const dir = await mkdtemp(join(tmpdir(), 'sb-routes-'));
  for (const id of ['p-uk', 'p-us', 'p-backup']) {
    await writeFile(
      join(dir, `${id}.json`),
      JSON.stringify({
        ...providerWith({ url: `https://${id}.example.com/${id}`, body: { to: '%sms_to%', text: '%sms_body%' } }),
        id,
      }),
    );
    await writeFile(
      join(dir, `${id}.account.json`),
      JSON.stringify({ provider: `./${id}.json`, username: 'u', password: 'p' }),
    );
  }
  const file = join(dir, 'routes.json');
  await writeFile(file, JSON.stringify(routes));
  return file;
}

const ROUTES = {
  defaultCountry: 'GB',
  routes: [
    { prefix: '+44', accounts: ['p-uk.account.json', 'p-backup.account.json'] },
    {
      prefix: ['+1', '+1787'],
      accounts: [
        { account: 'p-backup.account.json', priority: 2 },
        { account: 'p-us.account.json', priority: 1 },
      ],
    },
  ],
};

describe('routing', () => {
  it('sends each recipient through the route with the longest matching prefix, in priority order', async () => {
    const s = await server(() => ({ status: 200 }));
    const router = createRouter(await loadRoutes(await setup(ROUTES)), { origin: s.origin, retry: false });
    const results = await router.sendMessage({ to: ['07700 900123', '+1 415 555 0100', '+49 30 123456'], body: 'x' });
    await router.close();
    expect(results.map((r) => [r.ok, r.via, r.code])).toEqual([
      [true, 'p-uk.account.json', undefined],
      [true, 'p-us.account.json', undefined],
      [false, undefined, 'NO_ROUTE'],
    ]);
    expect(s.requests.map((r) => r.url).sort()).toEqual(['/p-uk', '/p-us']);
  });

  it('falls back to the next account after a definite, retryable failure', async () => {
    const s = await server((req) => (req.url === '/p-uk' ? { status: 503, body: 'maintenance' } : { status: 200 }));
    const router = createRouter(await loadRoutes(await setup(ROUTES)), { origin: s.origin, retry: false });
    const [result] = await router.sendMessage({ to: '+44 7700 900123', body: 'x' });
    await router.close();
    expect(result).toMatchObject({
      ok: true,
      via: 'p-backup.account.json',
      fallbacks: [{ via: 'p-uk.account.json', code: 'PROVIDER_ERROR', error: 'maintenance' }],
    });
  });

  it('sends every recipient even when given a concurrency below 1', async () => {
    const s = await server(() => ({ status: 200 }));
    const router = createRouter(await loadRoutes(await setup(ROUTES)), {
      origin: s.origin,
      retry: false,
      concurrency: 0,
    });
    const results = await router.sendMessage({ to: ['07700 900123', '07700 900124'], body: 'x' });
    await router.close();
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });

  it('calls a message’s beforeSend once, not once per account it falls back through', async () => {
    const s = await server((req) => (req.url === '/p-uk' ? { status: 503, body: 'maintenance' } : { status: 200 }));
    const router = createRouter(await loadRoutes(await setup(ROUTES)), { origin: s.origin, retry: false });
    let calls = 0;
    const [result] = await router.sendMessage({
      to: '+44 7700 900123',
      body: 'x',
      beforeSend: () => void (calls += 1),
    });
    await router.close();
    expect(result).toMatchObject({ ok: true, via: 'p-backup.account.json' });
    expect(s.requests.map((r) => r.url)).toEqual(['/p-uk', '/p-backup']);
    expect(calls).toBe(1);
  });

  it('does not fall back after a final error or an ambiguous one', async () => {
    const s = await server((req) => {
      if (req.body.includes('final'))
        return { status: 400, headers: { 'content-type': 'application/json' }, body: '{"message":"Invalid number"}' };
      return (_req: unknown, res: { socket: { destroy(): void } | null }) => res.socket?.destroy();
    });
    const router = createRouter(await loadRoutes(await setup(ROUTES)), { origin: s.origin, retry: false });
    const [final] = await router.sendMessage({ to: '+447700900123', body: 'final' });
    const [ambiguous] = await router.sendMessage({ to: '+447700900124', body: 'reset' });
    await router.close();
    expect(final).toMatchObject({ ok: false, via: 'p-uk.account.json', error: 'Invalid number', fallbacks: [] });
    expect(ambiguous).toMatchObject({ ok: false, ambiguous: true, via: 'p-uk.account.json', fallbacks: [] });
    expect(s.requests.every((r) => r.url === '/p-uk')).toBe(true);
  });

  it('fails at load when a route names an account that is not there', async () => {
    const file = await setup({ routes: [{ prefix: '', accounts: ['missing.json'] }] });
    await expect(loadRoutes(file)).rejects.toThrow(/account file not found: .*missing\.json/);
    const bad = await setup({ routes: [{ prefix: '44', accounts: [] }] });
    await expect(loadRoutes(bad)).rejects.toThrow(ConfigError);
  });
});

describe('switchboard send --routes', () => {
  it('sends through the routes and says which account sent each message', async () => {
    const { run } = await import('../helpers/cli.js');
    const s = await server((req) => (req.url === '/p-uk' ? { status: 503, body: 'maintenance' } : { status: 200 }));
    const file = await setup(ROUTES);
    const { code, out } = await run(
      'send',
      '--routes',
      file,
      '--origin',
      s.origin,
      '--to',
      '+44 7700 900123',
      '--to',
      '+1 415 555 0100',
      '--body',
      'Hi',
    );
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      expect.stringMatching(
        /^✓ \+44 7700 900123: sent \(HTTP 200, \d+ ms via p-backup\.account\.json; p-uk\.account\.json failed first: maintenance \(gave up after 3 attempts\)\)$/,
      ),
      expect.stringMatching(/^✓ \+1 415 555 0100: sent \(HTTP 200, \d+ ms via p-us\.account\.json\)$/),
    ]);
    expect(await run('render', '--routes', file, '--to', '+1', '--body', 'x')).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--routes'"),
    });
  });
});
