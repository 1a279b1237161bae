/** The shape of a CLI command: its options for util.parseArgs, its help, and what it runs. */
import type { ParseArgsConfig } from 'node:util';
import { SwitchboardError } from '../errors.js';
import type { Io } from './io.js';

/** Exit codes (DESIGN §6): 0 all sent, 1 some send failed, 2 usage or configuration error. */
export const EXIT = { ok: 0, sendFailed: 1, usage: 2 } as const;

/** A parsed command line. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** One subcommand. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Lines of option help, `--flag  what it does` (continuation lines indented under the text). */
  readonly help: readonly string[];
  /** Sentences printed after the options: exit codes, where files are read from. */
  readonly notes?: readonly string[];
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly positionals: boolean;
  run(args: Parsed, io: Io): Promise<number>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const;

/** A string option's value. */
export function str(args: Parsed, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable option's values. */
export function list(args: Parsed, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** A whole-number option of at least 1. */
export function positive(args: Parsed, name: string): number | undefined {
  const text = str(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new SwitchboardError('USAGE', `--${name} must be a whole number of at least 1, not "${text}"`);
  return n;
}
