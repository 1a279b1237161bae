/** `switchboard send`: one request per recipient, one result each. */
import { SwitchboardError } from '../../errors.js';
import { EXIT, list, type Command } from '../command.js';
import { resultLine } from '../format.js';
import { ACCOUNT_HELP, ACCOUNT_OPTIONS, messageBody, openConnector } from '../open.js';

export const send: Command = {
  name: 'send',
  summary: 'Send a message to one or more recipients',
  usage: 'switchboard send --account <file> [--provider <id|file>] --to <number> [--to <number>…] --body <text> [--origin <url>] [--json]',
  help: [
    ...ACCOUNT_HELP,
    '--to <number>         recipient; repeat for several (one request each)',
    '--json                print the results as a JSON array',
  ],
  options: ACCOUNT_OPTIONS,
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
