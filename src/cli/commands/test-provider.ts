/** `switchboard test`: run a provider's fixtures against a local server, differences side by side. */
import { relative } from 'node:path';
import { loadProvider } from '../../config/load-provider.js';
import { SwitchboardError } from '../../errors.js';
import { fixtureDir, loadFixtures, loadWebhookFixtures } from '../../fixtures/find-fixtures.js';
import { runFixture, type Difference } from '../../fixtures/run-fixture.js';
import { runWebhookFixture } from '../../fixtures/run-webhook-fixture.js';
import { EXIT, type Command } from '../command.js';
import { table } from '../format.js';
import { paint, printJson } from '../io.js';

export const testCommand: Command = {
  name: 'test',
  summary: "Run a provider's documentation fixtures against a local server",
  usage: 'switchboard test <id|provider.json> [--json]',
  help: ['--json                print one report per fixture as JSON'],
  notes: [
    'Fixtures are read from fixtures/<id>/*.json beside the provider file, webhook fixtures from fixtures/<id>/webhooks/*.json.',
  ],
  options: { json: { type: 'boolean' } },
  positionals: true,
  async run(args, io) {
    const [ref, ...rest] = args.positionals;
    if (ref === undefined || rest.length > 0)
      throw new SwitchboardError('USAGE', 'name one provider: switchboard test <id|provider.json>');
    const provider = await loadProvider(ref);
    const dir = fixtureDir(ref, provider.id);
    const fixtures = await loadFixtures(dir);
    if (fixtures.length === 0)
      throw new SwitchboardError(
        'USAGE',
        `no fixtures in ${relative(process.cwd(), dir) || dir}; write at least one success and one error case (switchboard init writes examples)`,
      );
    const runs = [];
    for (const f of fixtures) runs.push({ ...f, run: await runFixture(provider, f.fixture) });
    for (const f of await loadWebhookFixtures(dir)) runs.push({ ...f, run: runWebhookFixture(provider, f.fixture) });
    const failed = runs.filter((r) => !r.run.passed).length;
    if (args.values.json) {
      printJson(
        io,
        runs.map((r) => ({ fixture: r.name, passed: r.run.passed, differences: r.run.differences })),
      );
    } else {
      io.out(
        `Provider ${provider.id} (${provider.source}), ${runs.length} fixture${runs.length === 1 ? '' : 's'} from ${relative(process.cwd(), dir) || dir}`,
      );
      for (const r of runs) {
        io.out(
          `  ${r.run.passed ? paint(io, 'green', '✓') : paint(io, 'red', '✗')} ${r.name}  ${paint(io, 'dim', r.fixture.description)}`,
        );
        if (!r.run.passed) io.out(sideBySide(r.run.differences));
      }
      io.out(`${runs.length - failed} passed, ${failed} failed`);
    }
    return failed === 0 ? EXIT.ok : EXIT.sendFailed;
  },
};

function sideBySide(differences: readonly Difference[]): string {
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  const rows = [['', 'EXPECTED', 'ACTUAL'], ...differences.map((d) => [d.what, show(d.expected), show(d.actual)])];
  return table(rows)
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}
