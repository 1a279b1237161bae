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
    const rows = [
      ['ID', 'NAME', 'SERVICES', 'AUTH', 'RECEIVES', 'ACCOUNT NEEDS'],
      ...all.map((p) => [p.id, p.name, Object.keys(p.services).join(', '), authOf(p), receives(p) || '-', needs(p)]),
    ];
    io.out(table(rows));
    io.out(
      `\n${all.length} providers, ${all.filter((p) => receives(p) !== '').length} receive webhooks (RECEIVES: their endpoints). Account keys marked * are secret; ? optional. Details: the provider files in ${'providers/'}.`,
    );
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
    auth: authOf(p),
    webhooks: Object.keys(p.definition.webhooks?.endpoints ?? {}),
    parameters: Object.fromEntries(
      Object.entries(p.parameters).map(([k, s]) => [
        k,
        { description: s.description, required: s.required ?? false, secret: s.secret ?? false },
      ]),
    ),
  };
}

/** How the provider authenticates, in a word: its auth kinds, or where an API key goes. */
function authOf(p: Provider): string {
  const kinds = new Set<string>();
  for (const spec of Object.values(p.definition.services)) {
    if (spec?.auth !== undefined) kinds.add(spec.auth.type);
    else if (Object.values(spec?.headers ?? {}).some((v) => v.includes('%account['))) kinds.add('header key');
    else if (spec !== undefined && /%account\[[^\]]+\]%/.test(JSON.stringify([spec.url, spec.postData, spec.body])))
      kinds.add('key in request');
  }
  return [...kinds].join(', ') || 'none';
}

/** The provider's webhook endpoints, or '' when it describes none. */
function receives(p: Provider): string {
  return Object.keys(p.definition.webhooks?.endpoints ?? {}).join(', ');
}

function needs(p: Provider): string {
  return Object.entries(p.parameters)
    .map(([key, spec]) => `${key}${spec.secret ? '*' : ''}${spec.required ? '' : '?'}`)
    .join(', ');
}
