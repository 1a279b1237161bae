/**
 * Every subcommand, as the main help lists them: a name and a summary, and a loader that imports
 * the command's module only when it runs (STYLE habit 16). `switchboard --help` thus loads none of
 * them, and `render` loads neither Fastify nor pg, BullMQ or SQLite; each command's heavy
 * dependencies load with it. A test checks that each summary here is the command's own.
 */
import type { Command } from './command.js';
import { packageCommand } from './package-commands.js';

/** A subcommand known by name and summary, loaded when it runs. */
export interface LazyCommand {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every subcommand, in the order the main help lists them. */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'demo',
    summary: 'Run a local provider that follows the Acrobits Send Message docs, and send through it',
    load: async () => (await import('./commands/demo.js')).demo,
  },
  {
    name: 'providers',
    summary: 'List the built-in providers and what an account for each needs',
    load: async () => (await import('./commands/providers.js')).providers,
  },
  {
    name: 'validate',
    summary: 'Check provider, account, route, fixture and gateway files; report every problem at once',
    load: async () => (await import('./commands/validate.js')).validate,
  },
  {
    name: 'render',
    summary: 'Show the exact HTTP request a send would make, without sending it',
    load: async () => (await import('./commands/render.js')).render,
  },
  {
    name: 'send',
    summary: 'Send a message to one or more recipients',
    load: async () => (await import('./commands/send.js')).send,
  },
  {
    name: 'fetch',
    summary: 'Fetch new messages (Acrobits Fetch Messages)',
    load: async () => (await import('./commands/services.js')).fetchCommand,
  },
  {
    name: 'balance',
    summary: 'Check the account balance (Acrobits Balance Checker)',
    load: async () => (await import('./commands/services.js')).balanceCommand,
  },
  {
    name: 'rate',
    summary: 'Check the rates for a number (Acrobits Rate Checker)',
    load: async () => (await import('./commands/services.js')).rateCommand,
  },
  {
    name: 'push-token',
    summary: 'Report push tokens (Acrobits Push Token Reporter)',
    load: async () => (await import('./commands/services.js')).pushTokenCommand,
  },
  {
    name: 'acrobits',
    summary: 'Convert Acrobits Account XML to a JSON account (import) and back (export)',
    load: async () => (await import('./commands/acrobits.js')).acrobits,
  },
  {
    name: 'init',
    summary: 'Start a new provider file, with fixtures to fill in from its documentation',
    load: async () => (await import('./commands/init.js')).init,
  },
  {
    name: 'test',
    summary: "Run a provider's documentation fixtures against a local server",
    load: async () => (await import('./commands/test-provider.js')).testCommand,
  },
  {
    name: 'webhook',
    summary: 'Verify a recorded webhook request and print the events it holds',
    load: async () => (await import('./commands/webhook.js')).webhook,
  },
  {
    name: 'enqueue',
    summary: 'Add messages to a Redis queue for workers to send',
    load: () => packageCommand('@switchboard/queue', 'enqueue'),
  },
  {
    name: 'worker',
    summary: 'Send the messages of a Redis queue (run any number, on any machines)',
    load: () => packageCommand('@switchboard/queue', 'worker'),
  },
  {
    name: 'status',
    summary: 'What a Redis queue holds: waiting, active, sent, failed, ambiguous',
    load: () => packageCommand('@switchboard/queue', 'status'),
  },
  {
    name: 'serve',
    summary: 'Run the softphone backend (Acrobits Send, Fetch, Push Token Reporter) over any provider',
    load: () => packageCommand('@switchboard/gateway', 'serve'),
  },
  {
    name: 'gateway',
    summary: "Configure the softphone backend: hash a password, print the app's Account XML, the webhook URLs",
    load: () => packageCommand('@switchboard/gateway', 'gateway'),
  },
];
