/** `switchboard providers`: the built-in catalogue. */
import { printJson } from '../io.js';
import { builtinProviderIds, loadProvider } from '../../config/load-provider.js';
import type { Provider } from '../../provider/compile-provider.js';
import { EXIT, type Command } from '../command.js';

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
      printJson(io, all.map(summary));
      return EXIT.ok;
    }
    io.out(catalogue(all));
    const receiving = all.filter((p) => receives(p) !== '').length;
    const media = all.filter((p) => p.media !== undefined).length;
    io.out(
      `\n${all.length} providers, ${receiving} receive webhooks (RECEIVES: their endpoints). ${media} send media (MMS). Account keys marked * are secret; ? optional. Details: the provider files in providers/.`
        .split(/(?<=\.) /)
        .reduce(wrapSentences, [''])
        .join('\n'),
    );
    return EXIT.ok;
  },
};

/** The terminal width the listing fits (DESIGN: readable in a plain 80-column terminal). */
const WIDTH = 80;
const ID_WIDTH = 17;

/**
 * Two lines per provider: id and name, then how it authenticates, what an account needs and its
 * services, wrapped under the name; a table with every column would be wider than a terminal.
 */
function catalogue(all: readonly Provider[]): string {
  const lines = ['ID'.padEnd(ID_WIDTH) + 'NAME, then AUTH · ACCOUNT NEEDS · SERVICES · RECEIVES'];
  for (const p of all) {
    lines.push(p.id.padEnd(ID_WIDTH) + fit(p.name, WIDTH - ID_WIDTH));
    const webhooks = receives(p);
    const detail = [
      authOf(p),
      needs(p),
      Object.keys(p.services).join(', '),
      webhooks === '' ? '' : `receives ${webhooks}`,
      p.media === undefined ? '' : 'sends media',
    ]
      .filter((part) => part !== '')
      .join(' · ');
    lines.push(...wrap(detail, WIDTH - ID_WIDTH).map((line) => ' '.repeat(ID_WIDTH) + line));
  }
  return lines.join('\n');
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** Wraps at spaces after commas and dots; a word longer than the width is cut. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? fit(word, width) : `${line} ${word}`;
  }
  return [...lines, line];
}

function wrapSentences(lines: string[], sentence: string): string[] {
  const last = lines[lines.length - 1] ?? '';
  if (last !== '' && last.length + 1 + sentence.length > WIDTH) return [...lines, sentence];
  return [...lines.slice(0, -1), last === '' ? sentence : `${last} ${sentence}`];
}

function summary(p: Provider) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    docs: p.docs,
    services: Object.keys(p.services),
    auth: authOf(p),
    webhooks: Object.keys(p.definition.webhooks?.endpoints ?? {}),
    /** The provider's media rules (MMS), or null when it takes no media. */
    media: p.media === undefined ? null : { ...p.media, service: p.mediaService !== undefined },
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
