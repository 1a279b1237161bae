/** `switchboard validate`: every problem in every file, located. */
import { dirname, resolve } from 'node:path';
import { accountFromXml } from '../../acrobits/account.js';
import { accountFromValue } from '../../config/load-account.js';
import { loadProvider, providerFromValue } from '../../config/load-provider.js';
import { parseJson, readText } from '../../config/read-file.js';
import { validateAgainst } from '../../config/schemas.js';
import { bind } from '../../connector/bind.js';
import { gatewayFromValue } from '../../gateway/config/load-gateway.js';
import { ConfigError, SwitchboardError, formatIssue, type ConfigIssue } from '../../errors.js';
import { EXIT, type Command } from '../command.js';
import { indent } from '../format.js';
import { paint } from '../io.js';

interface Report {
  file: string;
  kind: string;
  ok: boolean;
  issues: ConfigIssue[];
  note?: string;
}

export const validate: Command = {
  name: 'validate',
  summary: 'Check provider, account, fixture and gateway files; report every problem at once',
  usage: 'switchboard validate <file...> [--json]',
  help: ['--json                print one report per file as JSON'],
  options: { json: { type: 'boolean' } },
  positionals: true,
  async run(args, io) {
    if (args.positionals.length === 0) throw new SwitchboardError('USAGE', 'name at least one file to validate');
    const reports: Report[] = [];
    for (const file of args.positionals) reports.push(await check(file));
    if (args.values.json) io.out(JSON.stringify(reports, null, 2));
    else for (const r of reports) io.out(describe(io, r));
    return reports.every((r) => r.ok) ? EXIT.ok : EXIT.usage;
  },
};

function describe(io: Parameters<typeof paint>[0], r: Report): string {
  if (r.ok) return `${paint(io, 'green', '✓')} ${r.file}: valid ${r.kind}${r.note ? ` (${r.note})` : ''}`;
  const head = `${paint(io, 'red', '✗')} ${r.file}: ${r.issues.length} problem${r.issues.length === 1 ? '' : 's'} (${r.kind})`;
  return [head, ...r.issues.map((i) => indent(formatIssue(i)))].join('\n');
}

/** A gateway file names its schema, or has users (no other file kind has). */
function isGatewayFile(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const schema = (value as { $schema?: unknown }).$schema;
  return (typeof schema === 'string' && schema.endsWith('gateway.schema.json')) || 'users' in value;
}

async function check(file: string): Promise<Report> {
  let kind = 'file';
  try {
    const text = await readText(file, 'the');
    if (text.trimStart().startsWith('<')) {
      kind = 'Acrobits account';
      const account = accountFromXml(text, file);
      return {
        file,
        kind,
        ok: true,
        issues: [],
        note: `services: ${Object.keys(account.inlineProvider?.services ?? {}).join(', ')}`,
      };
    }
    const parsed = parseJson(text, file);
    if ('issue' in parsed) return { file, kind: 'JSON', ok: false, issues: [parsed.issue] };
    const value = parsed.value as Record<string, unknown>;
    if (value !== null && typeof value === 'object' && 'services' in value) {
      kind = 'provider';
      const provider = providerFromValue(value, file);
      return {
        file,
        kind,
        ok: true,
        issues: [],
        note: `${provider.name}; services: ${Object.keys(provider.services).join(', ')}`,
      };
    }
    if (isGatewayFile(value)) {
      kind = 'gateway';
      const gateway = await gatewayFromValue(value, file, dirname(resolve(file)));
      const users = gateway.users.map((u) => u.login).join(', ');
      return { file, kind, ok: true, issues: [], note: `users: ${users}; database: ${gateway.database.kind}` };
    }
    if (value !== null && typeof value === 'object' && 'response' in value && 'result' in value) {
      kind = 'fixture';
      const issues = validateAgainst('fixture', value, file);
      return { file, kind, ok: issues.length === 0, issues };
    }
    kind = 'account';
    const account = accountFromValue(value, file, dirname(resolve(file)));
    const provider = account.inlineProvider ?? (await loadProvider(account.provider ?? ''));
    bind(provider, account);
    const note = account.inlineProvider
      ? `its own services: ${Object.keys(provider.services).join(', ')}`
      : `provider ${provider.id}`;
    return { file, kind, ok: true, issues: [], note };
  } catch (error) {
    if (error instanceof ConfigError) return { file, kind, ok: false, issues: [...error.issues] };
    if (error instanceof SwitchboardError)
      return { file, kind, ok: false, issues: [{ file, pointer: '', message: error.message, code: error.code }] };
    throw error;
  }
}
