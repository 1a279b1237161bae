/** `switchboard acrobits import | export`: Account XML to the JSON account and back. */
import { readAccountXml, writeAccountXml } from '../../acrobits/account-xml.js';
import { accountFromXml } from '../../acrobits/account.js';
import { exportAccount } from '../../acrobits/export.js';
import { definesServices } from '../../acrobits/inline-provider.js';
import { loadAccount } from '../../config/load-account.js';
import { loadProvider } from '../../config/load-provider.js';
import { readText } from '../../config/read-file.js';
import { SwitchboardError } from '../../errors.js';
import { EXIT, str, type Command } from '../command.js';

export const acrobits: Command = {
  name: 'acrobits',
  summary: 'Convert Acrobits Account XML to a JSON account (import) and back (export)',
  usage: 'switchboard acrobits import <account.xml> | switchboard acrobits export --account <file> [--provider <id|file>] [--json]',
  help: [
    'import <account.xml>  print the equivalent JSON account (every key kept)',
    'export                print Account XML with the generic… keys a softphone can be provisioned with',
    '--account <file>      (export) the account, JSON or XML',
    '--provider <id|file>  (export) provider to use instead of the one the account names',
    '--json                (export) print {"xml", "notExpressible"} instead',
    '',
    'export exits 1 when something the provider does cannot be expressed in Account XML; it says what.',
  ],
  options: { account: { type: 'string' }, provider: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  async run(args, io) {
    const [action, file, ...rest] = args.positionals;
    if (action === 'import' && file !== undefined && rest.length === 0) {
      const text = await readText(file, 'account');
      // Validate the services it defines; a document with none is still converted.
      const { values, rewriting } = readAccountXml(text, file);
      if (definesServices(values)) accountFromXml(text, file);
      else io.err(`Note: ${file} defines no web service; add "provider" to the JSON to send through a built-in provider.`);
      io.out(JSON.stringify({ ...values, ...(rewriting === undefined ? {} : { rewriting }) }, null, 2));
      return EXIT.ok;
    }
    if (action === 'export' && file === undefined) {
      const accountFile = str(args, 'account');
      if (accountFile === undefined) throw new SwitchboardError('USAGE', 'give the account with --account <file>');
      const account = await loadAccount(accountFile);
      const ref = str(args, 'provider') ?? account.provider;
      const provider = ref === undefined ? account.inlineProvider : await loadProvider(ref);
      if (provider === undefined) throw new SwitchboardError('USAGE', 'the account names no provider; give one with --provider');
      const exported = exportAccount(account, provider);
      const xml = writeAccountXml(exported.values, exported.rewriting);
      if (args.values.json) io.out(JSON.stringify({ xml, notExpressible: exported.notExpressible }, null, 2));
      else io.out(xml);
      if (exported.notExpressible.length > 0 && !args.values.json) {
        io.err(['Not expressible in Account XML (the apps will behave differently):', ...exported.notExpressible.map((n) => `  - ${n}`)].join('\n'));
      }
      return exported.notExpressible.length === 0 ? EXIT.ok : EXIT.sendFailed;
    }
    throw new SwitchboardError('USAGE', `usage: ${acrobits.usage}`);
  },
};
