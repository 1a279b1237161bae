/** `switchboard validate`: every problem in every file, located. */
import { dirname, resolve } from 'node:path';
import { accountFromXml } from '../../acrobits/account.js';
import { accountFromValue } from '../../config/load-account.js';
import { loadProvider, providerFromValue } from '../../config/load-provider.js';
import { parseJson, readText } from '../../config/read-file.js';
import { validateAgainst } from '../../config/schemas.js';
import { withoutBroken } from '../../config/prune.js';
import { createConnector } from '../../connector/connector.js';
import type { Provider } from '../../provider/compile-provider.js';
import { routesFromValue } from '../../routing/load-routes.js';
import { createRouter } from '../../routing/router.js';
import { ConfigError, SwitchboardError, formatIssue, type ConfigIssue } from '../../errors.js';
import { EXIT, type Command } from '../command.js';
import { importPackage } from '../package-commands.js';
import { indent } from '../format.js';
import { paint, printJson } from '../io.js';

/** What `validate` uses of `@switchboard/gateway`, which the engine does not depend on. */
interface GatewayPackage {
  gatewayFromValue: (
    value: unknown,
    file: string,
    dir: string,
  ) => Promise<{ users: readonly { login: string }[]; database: { kind: string } }>;
}

interface Report {
  file: string;
  kind: string;
  ok: boolean;
  issues: ConfigIssue[];
  /** What loads but is probably a mistake; a file with only warnings is valid. */
  warnings?: readonly ConfigIssue[];
  note?: string;
}

export const validate: Command = {
  name: 'validate',
  summary: 'Check provider, account, route, fixture and gateway files; report every problem at once',
  usage: 'switchboard validate <file...> [--json]',
  help: ['--json                print one report per file as JSON'],
  options: { json: { type: 'boolean' } },
  positionals: true,
  async run(args, io) {
    if (args.positionals.length === 0) throw new SwitchboardError('USAGE', 'name at least one file to validate');
    const reports: Report[] = [];
    for (const file of args.positionals) reports.push(await check(file));
    if (args.values.json) printJson(io, reports);
    else for (const r of reports) io.out(describe(io, r));
    return reports.every((r) => r.ok) ? EXIT.ok : EXIT.usage;
  },
};

function describe(io: Parameters<typeof paint>[0], r: Report): string {
  const warnings = (r.warnings ?? []).map((w) => indent(`${paint(io, 'yellow', 'warning:')} ${formatIssue(w)}`));
  if (r.ok)
    return [`${paint(io, 'green', '✓')} ${r.file}: valid ${r.kind}${r.note ? ` (${r.note})` : ''}`, ...warnings].join(
      '\n',
    );
  const head = `${paint(io, 'red', '✗')} ${r.file}: ${r.issues.length} problem${r.issues.length === 1 ? '' : 's'} (${r.kind})`;
  return [head, ...r.issues.map((i) => indent(formatIssue(i)))].join('\n');
}

/** What a JSON file is: by its `$schema` when it names one of ours, else by its shape. */
function kindOf(value: unknown): 'provider' | 'webhookFixture' | 'fixture' | 'routes' | 'gateway' | 'account' {
  const object = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const schema = typeof object.$schema === 'string' ? object.$schema : '';
  if (schema.endsWith('webhook-fixture.schema.json')) return 'webhookFixture';
  for (const kind of ['provider', 'fixture', 'routes', 'gateway', 'account'] as const)
    if (schema.endsWith(`${kind}.schema.json`)) return kind;
  if ('services' in object) return 'provider';
  if ('response' in object && 'result' in object) return 'fixture';
  if ('request' in object && 'expect' in object) return 'webhookFixture';
  if (Array.isArray(object.routes)) return 'routes';
  if ('users' in object) return 'gateway';
  return 'account';
}

const KIND_NAMES = {
  provider: 'provider',
  webhookFixture: 'webhook fixture',
  fixture: 'fixture',
  routes: 'route file',
  gateway: 'gateway',
  account: 'account',
} as const;

async function check(file: string): Promise<Report> {
  let kind = 'file';
  try {
    const text = await readText(file, 'the');
    if (text.trimStart().startsWith('<')) {
      kind = 'Acrobits account';
      // The checks a send runs on it: the web services it defines, then the connector's own.
      const account = accountFromXml(text, file);
      const provider = account.inlineProvider as Provider;
      await createConnector({ account, provider }).close();
      const note = `services: ${Object.keys(provider.services).join(', ')}`;
      return { file, kind, ok: true, issues: [], ...withWarnings(account.warnings), note };
    }
    const parsed = parseJson(text, file);
    if ('issue' in parsed) return { file, kind: 'JSON', ok: false, issues: [parsed.issue] };
    const found = kindOf(parsed.value);
    kind = KIND_NAMES[found];
    try {
      const { note, warnings } = await CHECKS[found](parsed.value, file);
      return { file, kind, ok: true, issues: [], ...withWarnings(warnings), ...(note === undefined ? {} : { note }) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return {
        file,
        kind,
        ok: false,
        issues: [...error.issues, ...(await laterIssues(found, parsed.value, file, error.issues))],
      };
    }
  } catch (error) {
    if (error instanceof ConfigError) return { file, kind, ok: false, issues: [...error.issues] };
    if (error instanceof SwitchboardError)
      return { file, kind, ok: false, issues: [{ file, pointer: '', message: error.message, code: error.code }] };
    throw error;
  }
}

function withWarnings(warnings: readonly ConfigIssue[] | undefined): { warnings?: readonly ConfigIssue[] } {
  return warnings === undefined || warnings.length === 0 ? {} : { warnings };
}

/** The schema each kind is checked against before its other checks. */
const SCHEMA_OF = { provider: 'provider', account: 'account', routes: 'routes' } as const;

/**
 * The problems the checks after the schema find once the broken properties are taken out, so
 * template, https, number and missing-file problems show in the same run as the schema's. Only
 * problems new to the report, and none about what was taken out.
 */
async function laterIssues(
  found: ReturnType<typeof kindOf>,
  value: unknown,
  file: string,
  first: readonly ConfigIssue[],
): Promise<ConfigIssue[]> {
  if (!(found in SCHEMA_OF) || first.every((i) => i.code !== 'SCHEMA')) return [];
  const schema = SCHEMA_OF[found as keyof typeof SCHEMA_OF];
  // Only what the schema refused is taken out; a template problem's key stays, to be checked again.
  const refused = first.filter((i) => i.code === 'SCHEMA');
  const pruned = [false, true]
    .map((coarse) => withoutBroken(value, refused, coarse))
    .find((copy) => validateAgainst(schema, copy, file).length === 0);
  if (pruned === undefined) return [];
  const removed = refused.map((i) => i.pointer);
  const shown = (issue: ConfigIssue) =>
    !first.some((i) => i.file === issue.file && i.pointer === issue.pointer && i.message === issue.message) &&
    !(issue.file === file && removed.some((p) => issue.pointer === p || issue.pointer.startsWith(`${p}/`)));
  try {
    await CHECKS[found](pruned, file);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.filter(shown);
    if (error instanceof SwitchboardError) return [{ file, pointer: '', message: error.message, code: error.code }];
    throw error;
  }
}

/** Each kind's check: what loading it for a send does, throwing ConfigError; returns a note for the report. */
const CHECKS: Record<
  ReturnType<typeof kindOf>,
  (value: unknown, file: string) => Promise<{ note?: string; warnings?: readonly ConfigIssue[] }>
> = {
  async provider(value, file) {
    const provider = providerFromValue(value, file);
    return { note: `${provider.name}; services: ${Object.keys(provider.services).join(', ')}` };
  },
  async fixture(value, file) {
    const issues = validateAgainst('fixture', value, file);
    if (issues.length > 0) throw new ConfigError(issues);
    return {};
  },
  async webhookFixture(value, file) {
    const issues = validateAgainst('webhook-fixture', value, file);
    if (issues.length > 0) throw new ConfigError(issues);
    return {};
  },
  async gateway(value, file) {
    // Loads every user's account (or route file) and checks the whole file, as serve does; the
    // gateway's own package knows how (the schema alone is the engine's).
    const { gatewayFromValue } = await importPackage<GatewayPackage>(
      '@switchboard/gateway',
      '',
      'Checking a gateway file',
    );
    const gateway = await gatewayFromValue(value, file, dirname(resolve(file)));
    const users = gateway.users.map((u) => u.login).join(', ');
    return { note: `users: ${users}; database: ${gateway.database.kind}` };
  },
  async routes(value, file) {
    // Loads every account it names, and makes their connectors, as send --routes does.
    const routes = await routesFromValue(value, file);
    await createRouter(routes).close();
    const accounts = new Set(routes.routes.flatMap((r) => r.targets.map((t) => t.label)));
    return {
      note: `${routes.routes.length} route${routes.routes.length === 1 ? '' : 's'}, ${accounts.size} account${accounts.size === 1 ? '' : 's'}`,
    };
  },
  async account(value, file) {
    const account = accountFromValue(value, file, dirname(resolve(file)));
    const provider = account.inlineProvider ?? (await loadProvider(account.provider ?? ''));
    // createConnector binds the account (required values, numbers) and checks where secrets go.
    await createConnector({ account, provider }).close();
    const note = account.inlineProvider
      ? `its own services: ${Object.keys(provider.services).join(', ')}`
      : `provider ${provider.id}`;
    return { note, warnings: account.warnings };
  },
};
