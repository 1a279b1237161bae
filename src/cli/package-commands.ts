/**
 * Commands that live in Switchboard's other packages: `serve` and `gateway` in `@switchboard/gateway`,
 * the queue's `enqueue`, `worker` and `status` in `@switchboard/queue`. The engine does not depend
 * on them (an integration that only sends installs neither a server, drivers nor a Redis client), so
 * they are imported by name when they run, and a missing package is a usage error that says what
 * to install, not a stack trace.
 */
import { SwitchboardError } from '../errors.js';
import type { Command } from './command.js';

/** The packages that add commands, and the entry each exposes them from. */
export type CommandPackage = '@switchboard/gateway' | '@switchboard/queue';

/**
 * Loads `name` from `pkg`'s `commands` entry. The specifier is built at run time on purpose: the
 * engine is built before the packages that depend on it, so TypeScript must not resolve it.
 */
export async function packageCommand(pkg: CommandPackage, name: string): Promise<Command> {
  const commands = await importPackage<Record<string, Command | undefined>>(pkg, 'commands', `switchboard ${name}`);
  const command = commands[name];
  if (command === undefined) throw new Error(`${pkg} has no command ${name}`);
  return command;
}

/**
 * Imports `pkg` (its `entry` subpath, or its main entry for `''`); when the package is not
 * installed, a usage error saying that `what` needs it and how to install it.
 */
export async function importPackage<T>(pkg: CommandPackage, entry: string, what: string): Promise<T> {
  const specifier = entry === '' ? pkg : `${pkg}/${entry}`;
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (!isMissing(error, pkg)) throw error;
    throw new SwitchboardError(
      'USAGE',
      `${what} needs the ${pkg} package, which is not installed. Install it beside switchboard (npm install ${pkg}); in a clone of the repository, npm install sets up every package.`,
      { cause: error },
    );
  }
}

/** Whether `error` says that `pkg` itself (not one of its own imports) could not be found. */
function isMissing(error: unknown, pkg: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${pkg}`);
}
