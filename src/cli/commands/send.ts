/** `switchboard send`: one request per recipient, one result each; or, with --to-file, one per CSV row. */
import { printJson } from '../io.js';
import { SwitchboardError } from '../../errors.js';
import { EXIT, list, positive, str, type Command } from '../command.js';
import { resultLine } from '../format.js';
import {
  ACCOUNT_HELP,
  ACCOUNT_OPTIONS,
  MEDIA_HELP,
  MEDIA_OPTIONS,
  OPT_OUTS_HELP,
  OPT_OUTS_OPTIONS,
  ROUTES_HELP,
  messageBody,
  messageMedia,
  openSender,
  optOutsOption,
} from '../open.js';
import { BULK_HELP, BULK_OPTIONS, sendBulk } from './send-bulk.js';

export const send: Command = {
  name: 'send',
  summary: 'Send a message to one or more recipients',
  usage:
    'switchboard send --account <file> [--provider <id|file>] --to <number> [--to <number>…] --body <text> [--media <url>…] [--origin <url>] [--status-callback <url>] [--concurrency <n>] [--opt-outs <file>] [--json]\n' +
    '       switchboard send --account <file> --to-file <csv|-> [--journal <file>] [--resume] [--fsync] [--concurrency <n>] [--status-callback <url>] [--opt-outs <file>] --body <text> [--json]\n' +
    '       switchboard send --routes <file> --to <number>… | --to-file <csv|-> --body <text> [--opt-outs <file>] [--json]',
  help: [
    ...ACCOUNT_HELP,
    ROUTES_HELP,
    '--to <number>         recipient; repeat for several (one request each)',
    ...MEDIA_HELP,
    ...BULK_HELP,
    ...OPT_OUTS_HELP,
    '--json                print the results (or the summary of --to-file) as JSON',
  ],
  options: { ...ACCOUNT_OPTIONS, ...MEDIA_OPTIONS, routes: { type: 'string' }, ...BULK_OPTIONS, ...OPT_OUTS_OPTIONS },
  positionals: false,
  async run(args, io) {
    const file = str(args, 'to-file');
    const media = messageMedia(args);
    if (file !== undefined && media.length > 0)
      throw new SwitchboardError('USAGE', '--media goes with --to, not with --to-file (bulk sends carry text)');
    if (file !== undefined) return sendBulk(args, io, file);
    // These shape a journaled bulk send; with --to they would be accepted and do nothing.
    for (const flag of ['journal', 'resume', 'fsync'])
      if (args.values[flag] !== undefined)
        throw new SwitchboardError('USAGE', `--${flag} goes with --to-file (a journaled bulk send), not with --to`);
    const to = list(args, 'to');
    if (to.length === 0) throw new SwitchboardError('USAGE', 'give at least one recipient with --to <number>');
    const body = messageBody(args, media.length > 0);
    const concurrency = positive(args, 'concurrency');
    const options = { ...(await optOutsOption(args)), ...(concurrency === undefined ? {} : { concurrency }) };
    const connector = await openSender(args, options, io);
    try {
      const results = await connector.sendMessage(media.length > 0 ? { to, body, media } : { to, body });
      if (args.values.json) printJson(io, results);
      else for (const result of results) io.out(resultLine(io, result));
      return results.every((r) => r.ok) ? EXIT.ok : EXIT.sendFailed;
    } finally {
      await connector.close();
    }
  },
};
