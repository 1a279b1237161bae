/** `switchboard render`: the exact request a send would make, unsent. */
import { EXIT, list, type Command } from '../command.js';
import { MASK } from '../../template/render.js';
import { requestJson, toCurl } from '../format.js';
import { messageBody, openConnector } from '../open.js';
import { SwitchboardError } from '../../errors.js';

export const render: Command = {
  name: 'render',
  summary: 'Show the exact HTTP request a send would make, without sending it',
  usage: 'switchboard render --account <file> [--provider <id|file>] --to <number> --body <text> [--json] [--show-secrets]',
  help: [
    '--account <file>      account file: JSON, or Acrobits Account XML',
    '--provider <id|file>  provider to use instead of the one the account names',
    '--to <number>         recipient',
    '--body <text>         message text',
    '--origin <url>        replace scheme, host and port of the URL (e.g. a sandbox)',
    '--json                print {"method","url","headers","body"} instead of a curl command',
    '--show-secrets        show passwords and tokens instead of ****',
  ],
  options: {
    account: { type: 'string' },
    provider: { type: 'string' },
    to: { type: 'string', multiple: true },
    body: { type: 'string' },
    origin: { type: 'string' },
    json: { type: 'boolean' },
    'show-secrets': { type: 'boolean' },
  },
  positionals: false,
  async run(args, io) {
    const to = list(args, 'to');
    if (to.length !== 1) throw new SwitchboardError('USAGE', 'give exactly one recipient with --to <number>');
    const body = messageBody(args);
    const connector = await openConnector(args);
    try {
      const request = connector.render('sendMessage', { sms_to: to[0] ?? '', sms_body: body, smart: '0', content_type: 'text/plain', disposition_notification: '' }, { showSecrets: args.values['show-secrets'] === true });
      const text = args.values.json ? JSON.stringify(requestJson(request), null, 2) : toCurl(request);
      io.out(text);
      if (!args.values.json && text.includes(MASK)) io.err('(secrets shown as ****; add --show-secrets to get a command you can run)');
    } finally {
      await connector.close();
    }
    return EXIT.ok;
  },
};
