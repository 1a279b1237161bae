/** Loads the account and provider a command names, and makes a connector from them. */
import { loadAccountAndProvider } from '../config/load-account.js';
import { createConnector, type Connector } from '../connector/connector.js';
import type { ConnectorOptions } from '../connector/options.js';
import { loadRoutes } from '../routing/load-routes.js';
import { createRouter } from '../routing/router.js';
import { SwitchboardError, formatIssue } from '../errors.js';
import { list, str, type Parsed } from './command.js';
import type { Attachment } from '../generated/attachment.js';
import { attachmentsProblem } from '../media/attachments.js';
import type { Io } from './io.js';

/** Options of every command that talks to a provider through an account: parseArgs config and help lines. */
export const CONNECTION_OPTIONS = {
  account: { type: 'string' },
  provider: { type: 'string' },
  origin: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const CONNECTION_HELP = [
  '--account <file>      account file: JSON, or Acrobits Account XML',
  '--provider <id|file>  provider to use instead of the one the account names',
  '--origin <url>        replace scheme, host and port of the URL (e.g. a sandbox)',
] as const;

/** Options of the commands that send a message: the connection's, plus recipients, text and routes. */
export const ACCOUNT_OPTIONS = {
  ...CONNECTION_OPTIONS,
  to: { type: 'string', multiple: true },
  body: { type: 'string' },
  'status-callback': { type: 'string' },
} as const;

export const ACCOUNT_HELP = [
  ...CONNECTION_HELP,
  '--body <text>         message text',
  '--status-callback <url>',
  '                      per-message delivery report URL; ?sb=<message id> is appended',
] as const;

/** The route-file option of the commands that send, with its help line. */
export const ROUTES_HELP =
  '--routes <file>       a route file instead of --account: accounts by destination prefix, with fallback';

/**
 * The connector for `--account` (and `--provider`, `--origin`) on the command line. With `io`,
 * the account's warnings (a key that looks misspelt) are printed to standard error first.
 */
export async function openConnector(args: Parsed, extra: SenderOptions = {}, io?: Io): Promise<Connector> {
  if (str(args, 'routes') !== undefined)
    throw new SwitchboardError('USAGE', 'this command works on one account: give --account <file>, not --routes');
  const accountFile = str(args, 'account');
  if (accountFile === undefined)
    throw new SwitchboardError('USAGE', 'give the account file with --account <file> (JSON, or Acrobits Account XML)');
  const { account, provider } = await loadAccountAndProvider(accountFile, str(args, 'provider'));
  if (io !== undefined) for (const warning of account.warnings) io.err(`warning: ${formatIssue(warning)}`);
  const origin = str(args, 'origin');
  const statusCallback = str(args, 'status-callback');
  try {
    return createConnector({
      account,
      ...(provider === undefined ? {} : { provider }),
      ...(origin === undefined ? {} : { origin }),
      ...(statusCallback === undefined ? {} : { statusCallback }),
      ...extra,
    });
  } catch (error) {
    // A malformed --origin or --status-callback is the command line's fault.
    if (error instanceof TypeError) throw new SwitchboardError('USAGE', error.message);
    throw error;
  }
}

/**
 * The message text from `--body`, required and not empty (an empty SMS is a mistake in the command
 * line); a message with attachments may go without text (`--body ''`), a picture alone.
 */
export function messageBody(args: Parsed, withMedia = false): string {
  const body = str(args, 'body');
  if (body === undefined) throw new SwitchboardError('USAGE', 'give the message text with --body <text>');
  if (body.trim() === '' && !withMedia)
    throw new SwitchboardError('USAGE', '--body is empty: give the message text (an unset shell variable, perhaps?)');
  return body;
}

/** The `--media` option: repeatable, one attachment URL each. */
export const MEDIA_OPTIONS = { media: { type: 'string', multiple: true } } as const;

/** Help for `--media`. */
export const MEDIA_HELP = [
  '--media <url>         attach the file at this URL (https; the provider fetches it); repeat for several.',
  '                      A provider that cannot take it refuses the message, unless the account says',
  '                      "mediaFallback": "text-with-link"',
];

/** The attachments from `--media`, by URL; one that no provider could fetch is a usage error. */
export function messageMedia(args: Parsed): Attachment[] {
  const media = list(args, 'media').map((url) => ({ url }));
  const problem = attachmentsProblem(media);
  if (problem !== undefined)
    throw new SwitchboardError('USAGE', `--media: ${problem.replace(/^attachment \d+: /, '')}`);
  return media;
}

/** Connector options a command sets from its own flags. */
export type SenderOptions = Pick<ConnectorOptions, 'concurrency' | 'suppression'>;

/** The `--opt-outs` option of the commands that send. */
export const OPT_OUTS_OPTIONS = { 'opt-outs': { type: 'string' } } as const;

/** Help for `--opt-outs`. */
export const OPT_OUTS_HELP = [
  '--opt-outs <file>     refuse recipients this CSV says opted out of the sender (RECIPIENT_OPTED_OUT,',
  '                      nothing sent); opt-outs a provider reports are added to it. The format of',
  '                      gateway optouts export; an empty file is an empty list',
] as const;

/** The suppression store `--opt-outs` names, or none; its connector options. */
export async function optOutsOption(args: Parsed): Promise<SenderOptions> {
  const file = str(args, 'opt-outs');
  if (file === undefined) return {};
  // Loaded only when named: the CSV reader is no cost to the commands that read no opt-outs.
  const { loadSuppressionFile } = await import('../suppression-file.js');
  return { suppression: await loadSuppressionFile(file) };
}

/** What sending needs: one account's connector, or a router over a route file. */
export type Sender = Pick<Connector, 'sendMessage' | 'close'>;

/** A router when the command line names `--routes`, else the account's connector (its warnings to `io`). */
export async function openSender(args: Parsed, extra: SenderOptions = {}, io?: Io): Promise<Sender> {
  const routesFile = str(args, 'routes');
  if (routesFile === undefined) return openConnector(args, extra, io);
  if (str(args, 'account') !== undefined || str(args, 'provider') !== undefined) {
    throw new SwitchboardError(
      'USAGE',
      'give either --routes (the route file names the accounts) or --account, not both',
    );
  }
  if (str(args, 'status-callback') !== undefined)
    throw new SwitchboardError(
      'USAGE',
      "--status-callback names one account's webhook URL: use it with --account, not --routes",
    );
  const origin = str(args, 'origin');
  return createRouter(await loadRoutes(routesFile), origin === undefined ? extra : { ...extra, origin });
}

/** Standard input, for recipients read from `-`. */
export function stdin(io: Io): AsyncIterable<Buffer | string> {
  if (io.stdin === undefined) throw new SwitchboardError('USAGE', 'there is no standard input to read recipients from');
  return io.stdin;
}
