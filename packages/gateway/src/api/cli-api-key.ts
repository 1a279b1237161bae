/**
 * `switchboard gateway api-key create`: adds a key to gateway.json, storing only its hash, and
 * prints the key once. The file is checked whole, with the key in it, before it is written, so a
 * mistake (a number nobody owns, an id taken) leaves the file as it was.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXIT } from 'switchboard/internal/cli/command.js';
import type { Io } from 'switchboard/internal/cli/io.js';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import type { GatewayApiKey } from 'switchboard/internal/generated/gateway.js';
import { gatewayFromValue } from '../config/load-gateway.js';
import { newApiKey } from './keys.js';

/** What `api-key create` was given. */
export interface CreateKeyOptions {
  readonly config: string;
  readonly id: string;
  readonly numbers: readonly string[];
  readonly accounts: readonly string[];
  /** `<requests>/<seconds>`, e.g. 20/1. */
  readonly rate: string | undefined;
}

function rateOf(text: string | undefined): GatewayApiKey['rateLimit'] {
  if (text === undefined) return undefined;
  const match = /^([0-9]+)\/([0-9]+)$/.exec(text);
  if (match === null)
    throw new SwitchboardError('USAGE', `--rate must be <requests>/<seconds>, such as 20/1, not "${text}"`);
  return { requests: Number(match[1]), perSeconds: Number(match[2]) };
}

/** Runs `gateway api-key create`. */
export async function createApiKey(io: Io, options: CreateKeyOptions): Promise<number> {
  if (options.numbers.length === 0)
    throw new SwitchboardError('USAGE', 'name the numbers the key may send from: --number +15551230001 (repeatable)');
  const file = resolve(options.config);
  const value = JSON.parse(await readFile(file, 'utf8')) as { apiKeys?: GatewayApiKey[] };
  const { key, hash } = await newApiKey(options.id);
  const rateLimit = rateOf(options.rate);
  const entry: GatewayApiKey = {
    id: options.id,
    hash,
    numbers: options.numbers as GatewayApiKey['numbers'],
    ...(options.accounts.length === 0 ? {} : { accounts: options.accounts as NonNullable<GatewayApiKey['accounts']> }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
  const next = { ...value, apiKeys: [...(value.apiKeys ?? []), entry] };
  await gatewayFromValue(next, options.config, dirname(file), io.env); // throws ConfigError, file untouched
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
  io.out(key);
  io.err(
    `Added API key "${options.id}" to ${options.config} (only its hash is stored). The key above is shown once: keep it secret. Restart the gateway to use it.`,
  );
  return EXIT.ok;
}
