/**
 * Every provider's webhook fixtures (fixtures/<id>/webhooks/), run by the shared harness: the
 * recorded request, signed by the provider's own SDK, must give the events or failure it states.
 * Providers that describe webhooks must show at least a verified case and a refused one.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../src/config/load-provider.js';
import { PROVIDERS_DIR } from '../../src/config/paths.js';
import { fixtureDir, loadWebhookFixtures } from '../../src/fixtures/find-fixtures.js';
import { runWebhookFixture } from '../../src/fixtures/run-webhook-fixture.js';

const ids = readdirSync(PROVIDERS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();
const withWebhooks = (
  await Promise.all(ids.map(async (id) => ((await loadProvider(id)).definition.webhooks ? id : undefined)))
).filter((id): id is string => id !== undefined);

describe.each(withWebhooks)('webhooks of %s', async (id) => {
  const provider = await loadProvider(id);
  const fixtures = await loadWebhookFixtures(fixtureDir(id, id));

  it('has webhook fixtures: a verified inbound or status, and a refused request', () => {
    expect(fixtures.some((f) => f.fixture.expect.ok && (f.fixture.expect.events?.length ?? 0) > 0)).toBe(true);
    expect(fixtures.some((f) => !f.fixture.expect.ok && f.fixture.expect.code === 'WEBHOOK_UNVERIFIED')).toBe(true);
  });

  it.each(fixtures.map((f) => [f.name, f.fixture.description, f.fixture] as const))(
    'fixture %s: %s',
    (_name, _description, fixture) => {
      expect(runWebhookFixture(provider, fixture).differences).toEqual([]);
    },
  );
});
