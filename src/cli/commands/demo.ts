/**
 * `switchboard demo`: starts the built-in local provider, sends through it with a built-in account,
 * and shows request, response and result for a success and a documented failure.
 */
import { accountFromValue } from '../../config/load-account.js';
import { loadProvider } from '../../config/load-provider.js';
import { createConnector } from '../../connector/connector.js';
import { startDemoServer } from '../../demo/server.js';
import type { SendResult } from '../../result.js';
import { EXIT, type Command } from '../command.js';
import { indent, resultLine, statusLine, toCurl } from '../format.js';
import { paint, type Io } from '../io.js';

const DEMO_ACCOUNT = { provider: 'demo', username: 'johndow', password: '12345678' };
const BODY = 'Hello from Switchboard! Tom & Jerry say "50% off" <today>\nSee you 🎉';
const CASES = [
  { to: '+1 (555) 123-1234', note: 'a reachable number' },
  { to: '+1 555 000 0000', note: 'a number the provider rejects, as in the Acrobits error example' },
];

export const demo: Command = {
  name: 'demo',
  summary: 'Run a local provider that follows the Acrobits Send Message docs, and send through it',
  usage: 'switchboard demo [--json]',
  help: ['--json                print the results as a JSON array'],
  options: { json: { type: 'boolean' } },
  positionals: false,
  async run(args, io) {
    const server = await startDemoServer();
    const account = accountFromValue(DEMO_ACCOUNT, 'built-in demo account', undefined);
    const connector = createConnector({ provider: await loadProvider('demo'), account, origin: server.origin, includeResponse: true });
    try {
      const results = await connector.sendMessage({ to: CASES.map((c) => c.to), body: BODY });
      if (args.values.json) {
        io.out(JSON.stringify(results, null, 2));
        return EXIT.ok;
      }
      io.out(paint(io, 'bold', `Switchboard demo: a local provider on ${server.origin} that answers like the Acrobits Send Message web service.`));
      io.out(`Provider file: providers/demo.json. Account: built-in (username ${DEMO_ACCOUNT.username}, password masked).\n`);
      results.forEach((result, i) => {
        const request = connector.render('sendMessage', { sms_to: result.recipient, sms_body: BODY });
        io.out(paint(io, 'bold', `${i + 1}. To ${result.recipient}: ${CASES[i]?.note ?? ''}`));
        io.out(paint(io, 'cyan', '   request (as curl):'));
        io.out(indent(toCurl(request), '     '));
        io.out(paint(io, 'cyan', '   response:'));
        io.out(indent(describeResponse(result), '     '));
        io.out(`   ${resultLine(io, result)}\n`);
      });
      io.out(nextSteps(io));
      return EXIT.ok;
    } finally {
      await connector.close();
      await server.close();
    }
  },
};

function describeResponse(result: SendResult): string {
  const response = result.response;
  if (response === undefined) return '(none)';
  const type = response.headers['content-type'];
  const head = `HTTP ${statusLine(response.status)}${type ? `, ${type}` : ''}`;
  return response.body === '' ? `${head}, empty body` : `${head}\n${response.body}`;
}

function nextSteps(io: Io): string {
  return [
    paint(io, 'bold', 'Next:'),
    '  npx switchboard providers     the built-in providers and what an account for each needs',
    '  npx switchboard render --account my-account.json --to "+1 555 867 5310" --body "Hi"',
    '                                the exact request a send would make, without sending it',
    '  README.md, "Send through a real provider", shows how to write the account file.',
  ].join('\n');
}
