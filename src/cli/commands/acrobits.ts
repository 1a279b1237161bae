/** `switchboard acrobits import | export`: Account XML to the JSON account and back. */
import { readAccountXml, writeAccountXml } from '../../acrobits/account-xml.js';
import { acrobitsAccount } from '../../acrobits/account.js';
import { exportAccount } from '../../acrobits/export.js';
import { definesServices } from '../../acrobits/inline-provider.js';
import { loadAccountAndProvider } from '../../config/load-account.js';
import { readText } from '../../config/read-file.js';
import { SwitchboardError } from '../../errors.js';
import { EXIT, str, type Command } from '../command.js';
import { printJson, type Io } from '../io.js';
import { SECRET_KEYS, namesAccountKey } from '../../acrobits/keys.js';
import { MASK } from '../../template/render.js';

export const acrobits: Command = {
  name: 'acrobits',
  summary: 'Convert Acrobits Account XML to a JSON account (import) and back (export)',
  usage:
    'switchboard acrobits import <account.xml> [--show-secrets] | switchboard acrobits export --account <file> [--provider <id|file>] [--json] [--show-secrets]',
  help: [
    'import <account.xml>  print the equivalent JSON account (every key kept)',
    'export                print Account XML with the generic… keys a softphone can be provisioned with',
    '--account <file>      (export) the account, JSON or XML',
    '--provider <id|file>  (export) provider to use instead of the one the account names',
    '--json                (export) print {"xml", "notExpressible"} instead',
    '--show-secrets        write passwords and tokens instead of **** (needed for a document you can use)',
  ],
  notes: ['export exits 1 when something the provider does cannot be expressed in Account XML; it says what.'],
  options: {
    account: { type: 'string' },
    provider: { type: 'string' },
    json: { type: 'boolean' },
    'show-secrets': { type: 'boolean' },
  },
  positionals: true,
  async run(args, io) {
    const [action, file, ...rest] = args.positionals;
    const show = args.values['show-secrets'] === true;
    if (action === 'import' && file !== undefined && rest.length === 0) {
      const text = await readText(file, 'account');
      // Validate the services it defines; a document with none is still converted.
      const { values, rewriting } = readAccountXml(text, file);
      const own = definesServices(values) ? acrobitsAccount(values, file, { rewriting }).inlineProvider : undefined;
      if (own === undefined)
        io.err(`Note: ${file} defines no web service; add "provider" to the JSON to send through a built-in provider.`);
      // The keys its services declare secret (an AuthPassword's, and the key one names), else the Acrobits ones.
      const secret = (key: string) => own?.parameters[key]?.secret ?? SECRET_KEYS.has(key);
      const shown = show ? values : maskSecrets(values, secret, io);
      printJson(io, { ...shown, ...(rewriting === undefined ? {} : { rewriting }) });
      return EXIT.ok;
    }
    if (action === 'export' && file === undefined) {
      const accountFile = str(args, 'account');
      if (accountFile === undefined) throw new SwitchboardError('USAGE', 'give the account with --account <file>');
      const { account, provider } = await loadAccountAndProvider(accountFile, str(args, 'provider'));
      if (provider === undefined)
        throw new SwitchboardError('USAGE', 'the account names no provider; give one with --provider');
      const exported = exportAccount(account, provider);
      const secret = (key: string) => provider.parameters[key]?.secret === true || SECRET_KEYS.has(key);
      const xml = writeAccountXml(
        show ? exported.values : maskSecrets(exported.values, secret, io),
        exported.rewriting,
      );
      if (args.values.json) printJson(io, { xml, notExpressible: exported.notExpressible });
      else io.out(xml);
      if (exported.notExpressible.length > 0 && !args.values.json) {
        io.err(
          [
            'Not expressible in Account XML (the apps will behave differently):',
            ...exported.notExpressible.map((n) => `  - ${n}`),
          ].join('\n'),
        );
      }
      return exported.notExpressible.length === 0 ? EXIT.ok : EXIT.sendFailed;
    }
    throw new SwitchboardError('USAGE', `usage: ${acrobits.usage}`);
  },
};

/** Replaces secret values with ****, except a reference to a key (`%account[password]%` names a secret, it is not one). */
function maskSecrets(
  values: Record<string, string>,
  isSecret: (key: string) => boolean,
  io: Io,
): Record<string, string> {
  let masked = false;
  const out = Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      if (!isSecret(key) || value === '' || namesAccountKey(value)) return [key, value];
      masked = true;
      return [key, MASK];
    }),
  );
  if (masked) io.err('(secrets written as ****; add --show-secrets for a document you can use)');
  return out;
}
