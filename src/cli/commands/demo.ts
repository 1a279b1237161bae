/**
 * `switchboard demo`: starts the built-in local provider, sends through it with a built-in account,
 * and shows request, response and result for a success and a documented failure.
 */
import { accountFromValue } from '../../config/load-account.js';
import { loadProvider } from '../../config/load-provider.js';
import { createConnector } from '../../connector/connector.js';
import { startDemoServer } from '../../demo/server.js';
import type { SendResult } from '../../result.js';
import { SwitchboardError } from '../../errors.js';
import { EXIT, positive, type Command } from '../command.js';
import { indent, resultLine, statusLine, toCurl } from '../format.js';
import { type Io, paint, printJson } from '../io.js';

const DEMO_ACCOUNT = { provider: 'demo', username: 'johndow', password: '12345678' };
const BODY = 'Hello from Switchboard! Tom & Jerry say "50% off" <today>\nSee you 🎉';
const CASES = [
  { to: '+1 (555) 123-1234', note: 'a reachable number' },
  { to: '+1 555 000 0000', note: 'a number the provider rejects, as in the Acrobits error example' },
];

export const demo: Command = {
  name: 'demo',
  summary: 'Run a local provider that follows the Acrobits Send Message docs, and send through it',
  usage: 'switchboard demo [--json]\n       switchboard demo --serve [--port <n>]',
  help: [
    '--json                print the results as a JSON array',
    '--serve               keep the demo provider running (until Ctrl-C) to try send, --to-file and the',
    '                      queue against it; prints the account and commands to use',
    '--port <n>            with --serve: the port on 127.0.0.1 (default: a free one)',
  ],
  options: { json: { type: 'boolean' }, serve: { type: 'boolean' }, port: { type: 'string' } },
  positionals: false,
  async run(args, io) {
    if (args.values.serve === true) return serve(io, positive(args, 'port'));
    if (args.values.port !== undefined) throw new SwitchboardError('USAGE', '--port goes with --serve');
    const server = await startDemoServer();
    const account = accountFromValue(DEMO_ACCOUNT, 'built-in demo account', undefined);
    const connector = createConnector({
      provider: await loadProvider('demo'),
      account,
      origin: server.origin,
      includeResponse: true,
    });
    try {
      const results = await connector.sendMessage({ to: CASES.map((c) => c.to), body: BODY });
      if (args.values.json) {
        printJson(io, results);
        return EXIT.ok;
      }
      io.out(
        paint(
          io,
          'bold',
          `Switchboard demo: a local provider on ${server.origin} that answers like the Acrobits Send Message web service.`,
        ),
      );
      io.out(
        `Provider file: providers/demo.json. Account: built-in (username ${DEMO_ACCOUNT.username}, password masked).\n`,
      );
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
    '  npx switchboard demo --serve  keep this provider running, to try send and a bulk --to-file against it',
    '  npx switchboard serve --demo  the softphone backend: send, receive and fetch, no account needed',
    '  npx switchboard providers     the built-in providers and what an account for each needs',
    '  npx switchboard render --account my-account.json --to "+1 555 867 5310" --body "Hi"',
    '                                the exact request a send would make, without sending it',
    '  README.md, "Send through a real provider", shows how to write the account file.',
  ].join('\n');
}

/** The commands `demo --serve` suggests: one send, a bulk send, and the same through a queue. */
function serveCommands(origin: string): string {
  const send = `npx switchboard send --account demo-account.json --origin ${origin}`;
  return [
    `  echo '${JSON.stringify(DEMO_ACCOUNT)}' > demo-account.json`,
    `  ${send} --to "+1 555 123 1234" --body "Hi"`,
    `  printf 'to,name\\n+15551231234,Ann\\n+15550000000,Bob\\n' > people.csv`,
    `  ${send} --to-file people.csv --body "Hi %csv[name]%"`,
    `Through a queue (needs redis-server running on 127.0.0.1:6379; --redis <url> for another):`,
    `  npx switchboard enqueue --account demo-account.json --to-file people.csv --body "Hi %csv[name]%"`,
    `  npx switchboard worker --origin ${origin}     # sends them; Ctrl-C to stop`,
    '  npx switchboard status                                  # waiting, active, sent, failed, ambiguous',
  ].join('\n');
}

/** Runs the demo provider until SIGINT or SIGTERM, a line per request, and says how to send to it. */
async function serve(io: Io, port: number | undefined): Promise<number> {
  const server = await startDemoServer(port ?? 0, {
    keep: false,
    onRequest: (request, status, recipient) => {
      const mark = status < 300 ? paint(io, 'green', String(status)) : paint(io, 'red', String(status));
      io.out(`${request.method} ${request.url} ${recipient || '(no recipient)'} -> ${mark}`);
    },
  }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    throw new SwitchboardError(
      'USAGE',
      `port ${port} on 127.0.0.1 is in use (another demo --serve?); choose another with --port <n>, or leave --port out for a free one`,
    );
  });
  io.out(paint(io, 'bold', `Demo provider on ${server.origin} (Ctrl-C to stop). From another terminal:`));
  io.out(serveCommands(server.origin));
  io.out('It answers 200 for a sent message and 406 "Invalid recipient" for numbers starting +1 555 000.');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.err(`${signal}: demo provider stopped`);
  await server.close();
  return EXIT.ok;
}
