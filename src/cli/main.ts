#!/usr/bin/env node
/**
 * The CLI entry: the only code that prints and exits. Parses the command line, runs one command,
 * turns errors into one readable paragraph (a stack trace only with --debug) and an exit code.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, SwitchboardError, formatIssue } from '../errors.js';
import { COMMON_OPTIONS, EXIT, type Command } from './command.js';
import { COMMANDS } from './command-list.js';
import { forPeople, paint, type Io } from './io.js';

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], terminal: Io): Promise<number> {
  // Every word for people goes out with control characters escaped, --json output exactly.
  const io = forPeople(terminal);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(await version());
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    io.err(`Unknown command "${name}". Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Try switchboard --help.`);
    return EXIT.usage;
  }
  const debug = rest.includes('--debug');
  // Only the command that runs is loaded, with its dependencies (a server, drivers, a queue client).
  let command: Command;
  try {
    command = await entry.load();
  } catch (error) {
    if (!(error instanceof SwitchboardError)) throw error;
    io.err(`${paint(io, 'red', 'Error:')} ${error.message}`);
    return EXIT.usage;
  }
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: command.positionals,
      strict: true,
    });
    if (parsed.values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(parsed, io);
  } catch (error) {
    io.err(describeError(error, command, io, debug));
    return EXIT.usage;
  }
}

function describeError(error: unknown, command: Command, io: Io, debug: boolean): string {
  const stack = debug && error instanceof Error && error.stack ? `\n\n${error.stack}` : '';
  if (error instanceof ConfigError) {
    const n = error.issues.length;
    return `${paint(io, 'red', 'Error:')} ${n === 1 ? 'a configuration problem' : `${n} configuration problems`}:\n${error.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}${stack}`;
  }
  if (error instanceof SwitchboardError) return `${paint(io, 'red', 'Error:')} ${error.message}${stack}`;
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    return `${paint(io, 'red', 'Error:')} ${(error as Error).message}\nUsage: ${command.usage}\nTry switchboard ${command.name} --help.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${paint(io, 'red', 'Internal error:')} ${message}${stack || '\n(run again with --debug for the stack trace, and please report it)'}`;
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'switchboard: send messages through any HTTP provider described as data',
    '',
    'Usage: switchboard <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help and --debug. Exit codes: 0 all sent (or done), 1 some send or call failed, 2 usage or configuration error.',
    'Start with: switchboard demo',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    command.summary,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...command.help.map((h) => `  ${h}`),
    '  --debug               show stack traces for errors',
    '  -h, --help            this help',
    ...(command.notes === undefined ? [] : ['', ...command.notes]),
  ].join('\n');
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function isEntry(): boolean {
  try {
    return (
      process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

/** Runs the CLI as the `switchboard` process: real streams, and the exit code set when it is done. */
export function main(): void {
  // A reader that stops early (| head) closes the pipe: stop quietly, as other command-line tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const io: Io = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    tty: process.stdout.isTTY === true,
    env: process.env,
    get stdin() {
      return process.stdin; // created only when a command reads it
    },
    ...(process.stderr.isTTY ? { errTerminal: process.stderr } : {}),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`Internal error: ${String(error)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}

if (isEntry()) main();
