/**
 * `switchboard serve`: runs the gateway, a softphone backend for Acrobits apps, until SIGINT or
 * SIGTERM (then stops gracefully). With --demo it needs no account anywhere: the built-in demo
 * provider in-process, one demo user with a fresh password, an SQLite file in a folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadProvider } from '../../config/load-provider.js';
import { startDemoServer, type DemoServer } from '../../demo/server.js';
import { SwitchboardError } from '../../errors.js';
import { gatewayAccountXml } from '../../gateway/app/account-xml.js';
import { APP_PATHS } from '../../gateway/app/routes.js';
import { hashPassword } from '../../gateway/config/password.js';
import { loadGateway } from '../../gateway/config/load-gateway.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { EXIT, str, type Command, type Parsed } from '../command.js';
import type { Io } from '../io.js';

const DEMO_LOGIN = 'demo';
const DEMO_NUMBER = '+15550100001';

export const serve: Command = {
  name: 'serve',
  summary: 'Run the softphone backend (Acrobits Send, Fetch, Push Token Reporter) over any provider',
  usage:
    'switchboard serve --config <gateway.json> [--port <n>] [--host <h>] [--trust-proxy]\n       switchboard serve --demo [--dir <folder>] [--port <n>]',
  help: [
    '--config <file>       the gateway file (schemas/gateway.schema.json)',
    '--demo                no configuration: the demo provider, one demo user, SQLite in --dir',
    '--dir <folder>        (demo) where the SQLite file and the generated files go (default: a new temp folder)',
    '--port <n>            port to listen on (default 8080; 0 for any free one)',
    '--host <h>            address to listen on (default 127.0.0.1; put a TLS reverse proxy in front)',
    '--trust-proxy         read the client address from X-Forwarded-For (behind a reverse proxy)',
  ],
  notes: ['Logs are JSON lines on standard output, without secrets; messages for people go to standard error.'],
  options: {
    config: { type: 'string' },
    demo: { type: 'boolean' },
    dir: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'trust-proxy': { type: 'boolean' },
  },
  positionals: false,
  async run(args, io) {
    const listen = { port: portOf(args), host: str(args, 'host') ?? '127.0.0.1' };
    const trustProxy = args.values['trust-proxy'] === true;
    if (args.values.demo === true) return runDemo(args, io, listen, trustProxy);
    const file = str(args, 'config');
    if (file === undefined)
      throw new SwitchboardError('USAGE', 'give the gateway file with --config <file>, or try --demo');
    const config = await loadGateway(file, io.env);
    const gateway = await startGateway(config, listen, { logger: { level: 'info' }, trustProxy });
    io.err(`Gateway listening on ${gateway.url} (public URL ${config.publicUrl}); Ctrl-C stops it.`);
    return untilSignal(io, gateway);
  },
};

function portOf(args: Parsed): number {
  const text = str(args, 'port');
  if (text === undefined) return 8080;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SwitchboardError('USAGE', `--port must be a port number (0 for any free one), not "${text}"`);
  return port;
}

async function runDemo(
  args: Parsed,
  io: Io,
  listen: { port: number; host: string },
  trustProxy: boolean,
): Promise<number> {
  const given = str(args, 'dir');
  const dir = given === undefined ? await mkdtemp(join(tmpdir(), 'switchboard-gateway-')) : resolve(given);
  await mkdir(dir, { recursive: true });
  const demo = await startDemoServer(0, { keep: false });
  try {
    const password = randomBytes(12).toString('base64url');
    const file = await writeDemoFiles(dir, demo, password, listen);
    const config = await loadGateway(file, io.env);
    const gateway = await startGateway(config, listen, { logger: { level: 'info' }, trustProxy });
    const live = { ...config, publicUrl: gateway.url };
    io.err(demoText(gateway, demo, dir, password));
    io.err(gatewayAccountXml(live, DEMO_LOGIN, password));
    return await untilSignal(io, gateway);
  } finally {
    await demo.close();
  }
}

/** Writes the demo's account and gateway files into `dir`; returns the gateway file. */
async function writeDemoFiles(
  dir: string,
  demo: DemoServer,
  password: string,
  listen: { port: number; host: string },
): Promise<string> {
  const send = (await loadProvider('demo')).definition.services.sendMessage;
  // The demo provider's own Send Message service, pointed at the demo server just started.
  const account = {
    username: 'johndow',
    password: '12345678',
    genericSmsSendUrl: `${demo.origin}/send_message/`,
    genericSmsPostData: send?.postData ?? '',
    genericSmsContentType: 'application/json',
  };
  const gateway = {
    $schema: 'https://raw.githubusercontent.com/switchboard/switchboard/main/schemas/gateway.schema.json',
    publicUrl: `http://127.0.0.1:${listen.port === 0 ? 8080 : listen.port}`,
    users: [
      {
        login: DEMO_LOGIN,
        passwordHash: await hashPassword(password),
        numbers: [DEMO_NUMBER],
        account: 'demo-account.json',
      },
    ],
    database: { sqlite: 'gateway.db' },
    push: { enabled: false },
  };
  await writeFile(join(dir, 'demo-account.json'), `${JSON.stringify(account, null, 2)}\n`);
  const file = join(dir, 'gateway.json');
  await writeFile(file, `${JSON.stringify(gateway, null, 2)}\n`);
  return file;
}

function demoText(gateway: Gateway, demo: DemoServer, dir: string, password: string): string {
  const body = (fields: string) =>
    `-H 'content-type: application/json' -d '{"username":"${DEMO_LOGIN}","password":"${password}",${fields}}'`;
  return [
    `Switchboard gateway (demo) on ${gateway.url}, sending through the demo provider on ${demo.origin}.`,
    `Files and the SQLite database: ${dir}`,
    `User: ${DEMO_LOGIN}   password: ${password}   number: ${DEMO_NUMBER}`,
    '',
    'Try, from another terminal (what an Acrobits app does):',
    `  curl -s ${gateway.url}${APP_PATHS.send} ${body('"to":"+15551231234","body":"Hello"')}`,
    `  curl -s ${gateway.url}${APP_PATHS.send} ${body('"to":"+15550000000","body":"refused"')}   # the provider refuses: 502 {"message"}`,
    `  curl -s ${gateway.url}${APP_PATHS.fetch} ${body('"last_known_sms_id":"","last_known_sent_sms_id":""')}`,
    '',
    'Or load this Account XML into an Acrobits app reachable from this machine (it carries the demo password):',
  ].join('\n');
}

/** Runs until SIGINT or SIGTERM, then stops gracefully. */
async function untilSignal(io: Io, gateway: Gateway): Promise<number> {
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.err(`${signal}: finishing acknowledged work, then stopping`);
  await gateway.close();
  return EXIT.ok;
}
