/**
 * `switchboard gateway hash-password | account-xml | webhooks | backup | unrouted | optouts`: what an admin
 * needs to configure the gateway, the apps, and the providers' consoles, and to read its database.
 */
import { SwitchboardError } from 'switchboard/internal/errors.js';
import { gatewayAccountXml } from '../app/account-xml.js';
import { hashPassword } from '../config/password.js';
import { loadGateway } from '../config/load-gateway.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { receiverOf, webhookAccounts, webhookUrls, type WebhookAccount } from '../webhooks/accounts.js';
import { securedUrl } from '../webhooks/status-callback.js';
import { EXIT, list, str, type Command, type Parsed } from 'switchboard/internal/cli/command.js';
import { backup, unrouted } from './gateway-admin.js';
import { deliveries } from './deliveries.js';
import type { Io } from 'switchboard/internal/cli/io.js';
import { readSecret } from 'switchboard/internal/cli/read-secret.js';

export const gateway: Command = {
  name: 'gateway',
  summary: "Configure the softphone backend: hash a password, print the app's Account XML, the webhook URLs",
  usage:
    'switchboard gateway hash-password  (reads the password from stdin, or asks)\n       switchboard gateway account-xml --config <gateway.json> --user <login>\n       switchboard gateway webhooks --config <gateway.json> [--json]\n       switchboard gateway backup <file> --config <gateway.json>\n       switchboard gateway unrouted --config <gateway.json> [--limit <n>] [--json]\n       switchboard gateway deliveries list --config <gateway.json> [--state pending|delivered|dead] [--since <time>] [--until <time>] [--limit <n>] [--json]\n       switchboard gateway deliveries replay <webhook-id>... | --since <time> [--until <time>] --config <gateway.json>\n       switchboard gateway api-key create --config <gateway.json> --id <id> --number <e164>… [--account <file>…] [--rate <n>/<s>]\n       switchboard gateway optouts list|add|remove|import|export --config <gateway.json> [...]',
  help: [
    'hash-password         print a salted scrypt hash for a user\'s "passwordHash"; the password is read',
    '                      from standard input (one line) or asked for on the terminal, never from arguments',
    'account-xml           print the Acrobits Account XML that points the app at the gateway',
    "webhooks              print each provider account's webhook URLs, to paste into its console",
    "backup <file>         copy the SQLite database to a new <file> while the gateway runs (SQLite's online backup)",
    'unrouted              the newest inbound messages to numbers no user owns (kept until the retention)',
    'deliveries list       webhook deliveries to your application in a state (default pending), oldest first',
    'deliveries replay     send dead deliveries again, with their webhook-id: those named, or every one',
    '                      created in the --since/--until range',
    'api-key create        add a key of the HTTP API (/v1) to the gateway file and print the key, once',
    'optouts <action>      opt-outs (who replied STOP to which of our numbers): list, add <ours> <theirs>,',
    '                      remove <ours> <theirs>, export (CSV own_number,peer,source,at on standard output),',
    '                      import <file.csv> (columns own_number and peer; - for standard input)',
    '--config <file>       (account-xml, webhooks, backup, unrouted, deliveries, api-key, optouts) the gateway file',
    '--user <login>        (account-xml) the user; the app fills in their password',
    '--json                (webhooks) a JSON array of {account, id, provider, endpoint, url, secret, notServed?};',
    '                      (unrouted) a JSON array of {providerAccount, from, to, text, providerMessageId, receivedAt};',
    '                      (optouts list) a JSON array of {ownNumber, peer, source, at}',
    '--limit <n>           (unrouted, deliveries list) how many (default 50)',
    '--state <state>       (deliveries list) pending, delivered or dead',
    '--since, --until <t>  (deliveries) deliveries created from, and before, a time such as 2026-12-06T10:00:00Z',
    "--id <id>             (api-key) the key's name: lower-case letters, digits and dashes",
    '--number <e164>       (api-key) a number the key sends from and reads; repeat for more',
    '--account <file>      (api-key) a provider account the key may send through; repeat; default any',
    '--rate <n>/<s>        (api-key) at most n requests per s seconds (default 20/1)',
  ],
  options: {
    config: { type: 'string' },
    user: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    state: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    id: { type: 'string' },
    number: { type: 'string', multiple: true },
    account: { type: 'string', multiple: true },
    rate: { type: 'string' },
  },
  positionals: true,
  async run(args, io) {
    const [action, ...rest] = args.positionals;
    if (action === 'optouts') {
      const config = str(args, 'config');
      if (config === undefined) throw new SwitchboardError('USAGE', 'give the gateway file with --config <file>');
      const { optOuts } = await import('./gateway-optouts.js');
      return optOuts(io, await loadGateway(config, io.env), rest, args.values.json === true);
    }
    if (action === 'api-key') return apiKey(args, io, rest);
    if (action === 'backup' || action === 'unrouted' || action === 'deliveries') {
      const config = str(args, 'config');
      if (config === undefined) throw new SwitchboardError('USAGE', 'give the gateway file with --config <file>');
      if (action === 'deliveries') return deliveries(io, await loadGateway(config, io.env), args, rest);
      if (rest.length > (action === 'backup' ? 1 : 0))
        throw new SwitchboardError('USAGE', `unexpected ${rest.join(' ')}`);
      const loaded = await loadGateway(config, io.env);
      if (action === 'backup') return backup(io, loaded, rest[0]);
      return unrouted(io, loaded, str(args, 'limit'), args.values.json === true);
    }
    if (rest.length > 0)
      throw new SwitchboardError(
        'USAGE',
        'the password is never given as an argument: pipe it in, or type it when asked',
      );
    if (action === 'hash-password') return hash(io);
    if (action === 'account-xml') {
      const config = str(args, 'config');
      const user = str(args, 'user');
      if (config === undefined || user === undefined)
        throw new SwitchboardError(
          'USAGE',
          'give the gateway file with --config <file> and the user with --user <login>',
        );
      io.out(gatewayAccountXml(await loadGateway(config, io.env), user));
      return EXIT.ok;
    }
    if (action === 'webhooks') {
      const config = str(args, 'config');
      if (config === undefined) throw new SwitchboardError('USAGE', 'give the gateway file with --config <file>');
      printWebhooks(io, await loadGateway(config, io.env), args.values.json === true);
      return EXIT.ok;
    }
    throw new SwitchboardError(
      'USAGE',
      'say what to do: hash-password, account-xml, webhooks, backup, unrouted, deliveries, api-key or optouts',
    );
  },
};

/** `gateway api-key create …`; the key's code loads only when it runs. */
async function apiKey(args: Parsed, io: Io, rest: readonly string[]): Promise<number> {
  const config = str(args, 'config');
  const id = str(args, 'id');
  if (rest[0] !== 'create' || rest.length > 1)
    throw new SwitchboardError(
      'USAGE',
      'say what to do with keys: gateway api-key create --config <file> --id <id> --number <e164>',
    );
  if (config === undefined || id === undefined)
    throw new SwitchboardError('USAGE', "give the gateway file with --config <file> and the key's name with --id <id>");
  const { createApiKey } = await import('../api/cli-api-key.js');
  return createApiKey(io, {
    config,
    id,
    numbers: list(args, 'number'),
    accounts: list(args, 'account'),
    rate: str(args, 'rate'),
  });
}

async function hash(io: Io): Promise<number> {
  const password = await readSecret(io, 'Password: ');
  if (password === '') throw new SwitchboardError('USAGE', 'the password is empty');
  io.out(await hashPassword(password));
  return EXIT.ok;
}

/** Each provider account's endpoints and URLs; accounts whose provider has no webhooks are named, with why. */
function printWebhooks(io: Io, config: GatewayConfig, json: boolean): void {
  const accounts = webhookAccounts(config);
  if (json) {
    const rows = accounts.flatMap((a) => {
      const compiled = receiverOf(a);
      const problems = 'problems' in compiled ? { notServed: compiled.problems } : {};
      return pasteUrls(config, a).map((u) => ({
        account: a.label,
        id: a.id,
        provider: a.provider.id,
        ...u,
        ...problems,
      }));
    });
    io.out(JSON.stringify(rows, null, 2));
    return;
  }
  for (const account of accounts) {
    io.out(`${account.label} (${account.provider.id})`);
    const urls = pasteUrls(config, account);
    for (const { endpoint, url } of urls) io.out(`  ${endpoint.padEnd(10)} ${url}`);
    if (urls.some((u) => u.secret)) for (const line of wrap(SECRET_NOTE, 76)) io.out(`  ${line}`);
    const compiled = receiverOf(account);
    if ('problems' in compiled)
      for (const problem of compiled.problems)
        for (const line of wrap(`NOT SERVED: the account ${problem}`, 76)) io.out(`  ${line}`);
    const where = account.provider.definition.webhooks?.description;
    if (where !== undefined) for (const line of wrap(where, 76)) io.out(`  ${line}`);
  }
  const receiving = new Set(accounts.map((a) => a.label));
  const others = new Set(
    config.users
      .map((u) => u.sender.label)
      .filter((label) => !receiving.has(label) && !accounts.some((a) => a.sendsFor.includes(label))),
  );
  for (const label of others)
    io.out(`${label}: its provider describes no webhooks; inbound messages cannot reach the gateway`);
  if (accounts.length === 0 && others.size === 0) io.out('no provider accounts');
}

const SECRET_NOTE =
  'SECRET: these URLs carry the webhook secret that verifies the provider (it signs nothing); paste them as printed, into its console only, and keep them out of tickets and logs';

/**
 * The URL to paste for each endpoint: with the account's URL secret (or Basic credentials) when
 * its provider signs nothing, since the gateway refuses a request without them.
 */
function pasteUrls(config: GatewayConfig, account: WebhookAccount) {
  const endpoints = account.provider.definition.webhooks?.endpoints ?? {};
  return webhookUrls(config, account).map(({ endpoint, url }) => {
    const verify = endpoints[endpoint]?.verify;
    const pasted = verify === undefined ? url : securedUrl(url, verify, account.account);
    return { endpoint, url: pasted, secret: pasted !== url };
  });
}

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
