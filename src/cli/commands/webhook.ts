/** `switchboard webhook`: verify and read a recorded webhook request as the provider's file says. */
import { readFile } from 'node:fs/promises';
import { loadAccountAndProvider } from '../../config/load-account.js';
import { SwitchboardError } from '../../errors.js';
import type { WebhookEvent, WebhookResult } from '../../webhook/events.js';
import { createWebhookReceiver } from '../../webhook/receiver.js';
import type { WebhookRequest } from '../../webhook/request.js';
import { EXIT, str, type Command, type Parsed } from '../command.js';
import { paint, printJson, type Io } from '../io.js';
import { stdin } from '../open.js';

export const webhook: Command = {
  name: 'webhook',
  summary: 'Verify a recorded webhook request and print the events it holds',
  usage:
    'switchboard webhook --account <file> [--provider <id|file>] --request <file|-> [--endpoint <name>] [--now <time>] [--sign] [--json]',
  help: [
    '--account <file>      account file with the webhook secret (or public key, or callback credentials)',
    '--provider <id|file>  provider to use instead of the one the account names',
    '--request <file|->    the request as JSON {"method","url","headers","body"}; - reads standard input',
    '--endpoint <name>     the endpoint it was sent to (default: chosen as the provider file says)',
    '--now <time>          check signed timestamps against this ISO 8601 time instead of the clock',
    '--sign                sign the request as the provider would (HMAC) and print it, signed, as JSON;',
    '                      the signed string goes to standard error (for a made-up fixture, no openssl)',
    '--json                print the whole result as JSON: ok, endpoint, events, ignored and answer',
    '                      (or ok, code, reason and answer when not verified)',
  ],
  notes: ['Exit 0 verified, 1 not verified, 2 usage or configuration error.'],
  options: {
    account: { type: 'string' },
    provider: { type: 'string' },
    request: { type: 'string' },
    endpoint: { type: 'string' },
    now: { type: 'string' },
    sign: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: false,
  async run(args, io) {
    const accountFile = str(args, 'account');
    if (accountFile === undefined) throw new SwitchboardError('USAGE', 'give the account file with --account <file>');
    const request = await readRequest(args, io);
    const { account, provider } = await loadAccountAndProvider(accountFile, str(args, 'provider'));
    if (provider === undefined)
      throw new SwitchboardError('USAGE', 'the account names no provider; give one with --provider <id|file>');
    const now = nowOption(args);
    const receiver = createWebhookReceiver({ provider, account, options: now === undefined ? {} : { now: () => now } });
    if (args.values.sign === true) {
      const signed = receiver.sign(request, str(args, 'endpoint'));
      io.err(`Signed string: ${JSON.stringify(signed.signed)}`);
      printJson(io, signed.request);
      return EXIT.ok;
    }
    const result = receiver.receive(request, str(args, 'endpoint'));
    if (args.values.json) printJson(io, result);
    else report(result, io);
    return result.ok ? EXIT.ok : EXIT.sendFailed;
  },
};

function nowOption(args: Parsed): number | undefined {
  const text = str(args, 'now');
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new SwitchboardError('USAGE', `--now must be an ISO 8601 time, not "${text}"`);
  return ms;
}

async function readRequest(args: Parsed, io: Io): Promise<WebhookRequest> {
  const file = str(args, 'request');
  if (file === undefined) throw new SwitchboardError('USAGE', 'give the recorded request with --request <file|->');
  let text = '';
  if (file === '-') {
    if (io.stdin === undefined) throw new SwitchboardError('USAGE', 'no standard input to read the request from');
    for await (const chunk of stdin(io)) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  } else {
    text = await readFile(file, 'utf8').catch(() => {
      throw new SwitchboardError('USAGE', `cannot read the request file ${file}`);
    });
  }
  return parseRequest(text, file === '-' ? 'standard input' : file);
}

/** A recorded request: method, url and body strings, headers of strings (or arrays for repeated ones). */
function parseRequest(text: string, label: string): WebhookRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SwitchboardError('USAGE', `${label} is not JSON; write {"method","url","headers","body"}`);
  }
  const v = value as Record<string, unknown> | null;
  const ok =
    v !== null &&
    typeof v === 'object' &&
    typeof v.method === 'string' &&
    typeof v.url === 'string' &&
    typeof v.body === 'string' &&
    typeof v.headers === 'object' &&
    v.headers !== null &&
    Object.values(v.headers).every(
      (h) => typeof h === 'string' || (Array.isArray(h) && h.every((x) => typeof x === 'string')),
    );
  if (!ok)
    throw new SwitchboardError(
      'USAGE',
      `${label} must be {"method": string, "url": string, "headers": {name: string or [strings]}, "body": string}`,
    );
  return value as WebhookRequest;
}

function report(result: WebhookResult, io: Io): void {
  if (!result.ok) {
    io.err(`${paint(io, 'red', 'Not verified:')} ${result.code}: ${result.reason} (answer ${result.answer.status})`);
    return;
  }
  const n = result.events.length;
  io.out(`${paint(io, 'green', 'Verified')} (endpoint ${result.endpoint}): ${n} event${n === 1 ? '' : 's'}`);
  for (const event of result.events) io.out(`  ${describe(event)}`);
  for (const i of result.ignored) io.out(`  ${paint(io, 'yellow', 'ignored')} ${i.type}: ${i.reason}`);
  const { status, headers, body } = result.answer;
  io.out(`Answer: ${status}${headers['content-type'] ? ` ${headers['content-type']}` : ''}${body ? ` ${body}` : ''}`);
}

function describe(event: WebhookEvent): string {
  if (event.type === 'inbound') {
    const media =
      event.media.length > 0 ? `, ${event.media.length} attachment${event.media.length === 1 ? '' : 's'}` : '';
    return `inbound ${event.providerMessageId} from ${event.from} to ${event.to}${media}: ${JSON.stringify(event.text)}`;
  }
  const ours = event.messageId === undefined ? '' : ` (our ${event.messageId})`;
  const error =
    event.errorCode === undefined && event.error === undefined
      ? ''
      : ` error ${[event.errorCode, event.error].filter(Boolean).join(' ')}`;
  return `status ${event.providerMessageId}${ours}: ${event.status}${error}`;
}
