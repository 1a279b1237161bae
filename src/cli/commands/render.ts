/** `switchboard render`: the exact request a send would make, unsent. */
import { messageParams } from '../../connector/params.js';
import { EXIT, list, type Command } from '../command.js';
import { MASK } from '../../template/render.js';
import { requestJson, toCurl } from '../format.js';
import { printJson } from '../io.js';
import {
  ACCOUNT_HELP,
  ACCOUNT_OPTIONS,
  MEDIA_HELP,
  MEDIA_OPTIONS,
  messageBody,
  messageMedia,
  openConnector,
} from '../open.js';
import { SwitchboardError } from '../../errors.js';

export const render: Command = {
  name: 'render',
  summary: 'Show the exact HTTP request a send would make, without sending it',
  usage:
    'switchboard render --account <file> [--provider <id|file>] --to <number> --body <text> [--media <url>…] [--origin <url>] [--status-callback <url>] [--json] [--show-secrets]',
  help: [
    ...ACCOUNT_HELP,
    '--to <number>         recipient',
    ...MEDIA_HELP,
    '--json                print {"method","url","headers","body"} instead of a curl command',
    '--show-secrets        show passwords and tokens instead of ****',
  ],
  options: { ...ACCOUNT_OPTIONS, ...MEDIA_OPTIONS, 'show-secrets': { type: 'boolean' } },
  positionals: false,
  async run(args, io) {
    const to = list(args, 'to');
    if (to.length !== 1) throw new SwitchboardError('USAGE', 'give exactly one recipient with --to <number>');
    const media = messageMedia(args);
    const body = messageBody(args, media.length > 0);
    const connector = await openConnector(args, {}, io);
    try {
      // The parameters a send of this message would have, message facts (encoding, parts) included.
      const params = messageParams({ sms_to: to[0] ?? '' }, {}, body);
      const request = connector.render('sendMessage', params, {
        showSecrets: args.values['show-secrets'] === true,
        media,
      });
      if (args.values.json) {
        printJson(io, requestJson(request));
        return EXIT.ok;
      }
      const text = toCurl(request);
      io.out(text);
      if (text.includes(MASK)) io.err('(secrets shown as ****; add --show-secrets to get a command you can run)');
    } finally {
      await connector.close();
    }
    return EXIT.ok;
  },
};
