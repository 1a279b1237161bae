/** `switchboard providers`: the built-in catalogue. */
import { builtinProviderIds, loadProvider } from '../../config/load-provider.js';
import type { Provider } from '../../provider/compile-provider.js';
import { EXIT, type Command } from '../command.js';
import { table } from '../format.js';

export const providers: Command = {
  name: 'providers',
  summary: 'List the built-in providers and what an account for each needs',
  usage: 'switchboard providers [--json]',
  help: ['--json                print the catalogue as JSON'],
  options: { json: { type: 'boolean' } },
  positionals: false,
  async run(args, io) {
    const all = await Promise.all((await builtinProviderIds()).map((id) => loadProvider(id)));
    if (args.values.json) {
      io.out(JSON.stringify(all.map(summary), null, 2));
      return EXIT.ok;
    }
    const rows = [['ID', 'NAME', 'SERVICES', 'ACCOUNT NEEDS'], ...all.map((p) => [p.id, p.name, Object.keys(p.services).join(', '), needs(p)])];
    io.out(table(rows));
    io.out(`\n${all.length} providers. Account keys marked * are secret; ? optional. Details: the provider files in ${'providers/'}.`);
    return EXIT.ok;
  },
};

function summary(p: Provider) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    docs: p.docs,
    services: Object.keys(p.services),
    parameters: Object.fromEntries(
      Object.entries(p.parameters).map(([k, s]) => [k, { description: s.description, required: s.required ?? false, secret: s.secret ?? false }]),
    ),
  };
}

function needs(p: Provider): string {
  return Object.entries(p.parameters)
    .map(([key, spec]) => `${key}${spec.secret ? '*' : ''}${spec.required ? '' : '?'}`)
    .join(', ');
}
