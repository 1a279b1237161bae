/** `switchboard send`: one request per recipient, one result each. */
import { SwitchboardError } from '../../errors.js';
import { EXIT, list, type Command } from '../command.js';
import { resultLine } from '../format.js';
import { messageBody, openConnector } from '../open.js';

export const send: Command = {
  name: 'send',
  summary: 'Send a message to one or more recipients',
  usage: 'switchboard send --account <file> [--provider <id|file>] --to <number> [--to <number>…] --body <text> [--origin <url>] [--json]',
  help: [
    '--account <file>      account file: JSON, or Acrobits Account XML',
    '--provider <id|file>  provider to use instead of the one the account names',
    '--to <number>         recipient; repeat for several (one request each)',
    '--body <text>         message text',
    '--origin <url>        replace scheme, host and port of the URL (e.g. a sandbox)',
    '--json                print the results as a JSON array',
  ],
  options: {
    account: { type: 'string' },
    provider: { type: 'string' },
    to: { type: 'string', multiple: true },
    body: { type: 'string' },
    origin: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: false,
  async run(args, io) {
    const to = list(args, 'to');
    if (to.length === 0) throw new SwitchboardError('USAGE', 'give at least one recipient with --to <number>');
    const body = messageBody(args);
    const connector = await openConnector(args);
    try {
      const results = await connector.sendMessage({ to, body });
      if (args.values.json) io.out(JSON.stringify(results, null, 2));
      else for (const result of results) io.out(resultLine(io, result));
      return results.every((r) => r.ok) ? EXIT.ok : EXIT.sendFailed;
    } finally {
      await connector.close();
    }
  },
};
