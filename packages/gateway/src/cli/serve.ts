/**
 * `switchboard serve`: runs the gateway, a softphone backend for Acrobits apps, until SIGINT or
 * SIGTERM (then stops gracefully). With --demo it needs no account anywhere: the built-in demo
 * provider in-process, one demo user with a fresh password, an SQLite file in a folder.
 */
import { SwitchboardError } from 'switchboard/internal/errors.js';
import { loadGateway } from '../config/load-gateway.js';
import { parseTrustProxy } from '../config/trust-proxy.js';
import { startGateway, type Gateway } from '../server.js';
import { EXIT, str, type Command, type Parsed } from 'switchboard/internal/cli/command.js';
import { runDemo } from './serve-demo.js';
import type { Io } from 'switchboard/internal/cli/io.js';

export const serve: Command = {
  name: 'serve',
  summary: 'Run the softphone backend (Acrobits Send, Fetch, Push Token Reporter) over any provider',
  usage:
    'switchboard serve --config <gateway.json> [--port <n>] [--host <h>] [--trust-proxy <n|addresses>]\n       switchboard serve --demo [--dir <folder>] [--port <n>]',
  help: [
    '--config <file>       the gateway file (schemas/gateway.schema.json)',
    '--demo                no configuration: the demo provider, one demo user, SQLite in --dir',
    '--dir <folder>        (demo) where the SQLite file and the generated files go (default: a new temp folder)',
    '--port <n>            port to listen on (default 8080; 0 for any free one)',
    '--host <h>            address to listen on (default 127.0.0.1; put a TLS reverse proxy in front)',
    '--trust-proxy <n|a,b> behind reverse proxies: believe X-Forwarded-For from the last n of them, or from',
    '                      these proxy addresses (IPs or CIDR ranges); the client address is what they vouch for',
  ],
  notes: ['Logs are JSON lines on standard output, without secrets; messages for people go to standard error.'],
  options: {
    config: { type: 'string' },
    demo: { type: 'boolean' },
    dir: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'trust-proxy': { type: 'string' },
  },
  positionals: false,
  async run(args, io) {
    const listen = { port: portOf(args), host: str(args, 'host') ?? '127.0.0.1' };
    const trusted = str(args, 'trust-proxy');
    const trustProxy = trusted === undefined ? undefined : parseTrustProxy(trusted);
    if (args.values.demo === true)
      return runDemo(str(args, 'dir'), io, listen, trustProxy, (gateway) => untilSignal(io, gateway));
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
