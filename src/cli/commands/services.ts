/** `switchboard fetch | balance | rate | push-token`: the Acrobits web services besides sending. */
import type { Connector } from '../../connector/connector.js';
import { SwitchboardError } from '../../errors.js';
import type { CallResult, DataResult } from '../../result.js';
import type { FetchedMessage } from '../../response/read-messages.js';
import { EXIT, str, type Command, type Parsed } from '../command.js';
import { oneLine } from '../format.js';
import { type Io, paint, printJson } from '../io.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, openConnector } from '../open.js';

const SERVICE_HELP = [...CONNECTION_HELP, '--json                print the result as JSON'] as const;

/** Runs one service call through the account's connector and prints its result. */
async function runService<T extends CallResult>(
  args: Parsed,
  io: Io,
  call: (c: Connector) => Promise<T>,
  show: (result: T) => string,
): Promise<number> {
  const connector = await openConnector(args);
  try {
    const result = await call(connector);
    if (args.values.json) printJson(io, result);
    else io.out(result.ok ? show(result) : failure(io, result));
    return result.ok ? EXIT.ok : EXIT.sendFailed;
  } finally {
    await connector.close();
  }
}

function failure(io: Io, result: CallResult): string {
  const status = result.status ? `HTTP ${result.status}` : 'no response';
  return `${paint(io, 'red', '✗')} ${oneLine(result.error ?? 'failed')} (${status}, ${result.code})`;
}

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'Fetch new messages (Acrobits Fetch Messages)',
  usage:
    'switchboard fetch --account <file> [--provider <id|file>] [--last-known-sms-id <id>] [--last-known-sent-sms-id <id>] [--origin <url>] [--json]',
  help: [
    ...SERVICE_HELP,
    '--last-known-sms-id <id>       newest received message you already have',
    '--last-known-sent-sms-id <id>  newest sent message you already have',
  ],
  options: {
    ...CONNECTION_OPTIONS,
    'last-known-sms-id': { type: 'string' },
    'last-known-sent-sms-id': { type: 'string' },
  },
  positionals: false,
  run(args, io) {
    const cursor = {
      lastKnownSmsId: str(args, 'last-known-sms-id') ?? '',
      lastKnownSentSmsId: str(args, 'last-known-sent-sms-id') ?? '',
    };
    return runService(
      args,
      io,
      (c) => c.fetchMessages(cursor),
      (r) => describeMessages(io, r),
    );
  },
};

function describeMessages(
  io: Io,
  result: DataResult<{ date?: Date; received: FetchedMessage[]; sent: FetchedMessage[] }>,
): string {
  const data = result.data ?? { received: [], sent: [] };
  const line = (m: FetchedMessage, arrow: string, who: string | undefined) =>
    `  ${m.sendingDate.toISOString()}  ${arrow} ${who ?? '?'}  ${JSON.stringify(m.text)}  (id ${m.smsId})`;
  const all = [
    ...data.received.map((m) => ({ m, text: line(m, paint(io, 'cyan', 'from'), m.sender) })),
    ...data.sent.map((m) => ({ m, text: line(m, paint(io, 'dim', 'to'), m.recipient) })),
  ].sort((a, b) => a.m.sendingDate.getTime() - b.m.sendingDate.getTime());
  const head = `${data.received.length} received, ${data.sent.length} sent${data.date ? ` (server time ${data.date.toISOString()})` : ''}`;
  return [head, ...all.map((x) => x.text)].join('\n');
}

export const balanceCommand: Command = {
  name: 'balance',
  summary: 'Check the account balance (Acrobits Balance Checker)',
  usage: 'switchboard balance --account <file> [--provider <id|file>] [--origin <url>] [--json]',
  help: SERVICE_HELP,
  options: CONNECTION_OPTIONS,
  positionals: false,
  run(args, io) {
    return runService(
      args,
      io,
      (c) => c.checkBalance(),
      (r) => {
        const b = r.data;
        const amount = b?.balance === undefined ? '' : ` (${b.balance}${b.currency ? ` ${b.currency}` : ''})`;
        return `Balance: ${b?.balanceString ?? '?'}${amount}`;
      },
    );
  },
};

export const rateCommand: Command = {
  name: 'rate',
  summary: 'Check the rates for a number (Acrobits Rate Checker)',
  usage:
    'switchboard rate <number> --account <file> [--provider <id|file>] [--smart-uri <uri>] [--origin <url>] [--json]',
  help: [...SERVICE_HELP, '--smart-uri <uri>     the Smart Contact SIP URI of the number, if any'],
  options: { ...CONNECTION_OPTIONS, 'smart-uri': { type: 'string' } },
  positionals: true,
  run(args, io) {
    const [target, ...extra] = args.positionals;
    if (target === undefined || extra.length > 0)
      throw new SwitchboardError('USAGE', 'give exactly one number: switchboard rate <number> --account <file>');
    const smartUri = str(args, 'smart-uri');
    return runService(
      args,
      io,
      (c) => c.checkRate(target, smartUri === undefined ? {} : { smartUri }),
      (r) => {
        const labels: Record<string, string> = {
          callRateString: 'Call',
          messageRateString: 'Message',
          smartCallRateString: 'Smart call',
          smartMessageRateString: 'Smart message',
        };
        return Object.entries(r.data ?? {})
          .map(([k, v]) => `${(labels[k] ?? k).padEnd(14)} ${String(v)}`)
          .join('\n');
      },
    );
  },
};

export const pushTokenCommand: Command = {
  name: 'push-token',
  summary: 'Report push tokens (Acrobits Push Token Reporter)',
  usage:
    'switchboard push-token --account <file> [--provider <id|file>] --selector <s> --token <t> --appid <id> [--token-incoming-call <t> --appid-incoming-call <id>] [--token-other <t> --appid-other <id>] [--origin <url>] [--json]',
  help: [
    ...SERVICE_HELP,
    '--selector <s>                 identifies the account on the device (%selector%)',
    '--token <t>, --appid <id>      the messages push token and its app id (%pushToken%, %pushappid%)',
    '--token-incoming-call <t>, --appid-incoming-call <id>   PushKit token for calls, and its app id',
    '--token-other <t>, --appid-other <id>                   token for other notifications, and its app id',
  ],
  options: {
    ...CONNECTION_OPTIONS,
    selector: { type: 'string' },
    token: { type: 'string' },
    appid: { type: 'string' },
    'token-incoming-call': { type: 'string' },
    'appid-incoming-call': { type: 'string' },
    'token-other': { type: 'string' },
    'appid-other': { type: 'string' },
  },
  positionals: false,
  run(args, io) {
    const need = (name: string) => {
      const value = str(args, name);
      if (value === undefined) throw new SwitchboardError('USAGE', `give --${name}`);
      return value;
    };
    const tokens = {
      selector: need('selector'),
      pushToken: need('token'),
      pushappid: need('appid'),
      pushTokenIncomingCall: str(args, 'token-incoming-call') ?? '',
      pushappidIncomingCall: str(args, 'appid-incoming-call') ?? '',
      pushTokenOther: str(args, 'token-other') ?? '',
      pushappidOther: str(args, 'appid-other') ?? '',
    };
    return runService(
      args,
      io,
      (c) => c.reportPushToken(tokens),
      (r) => `${paint(io, 'green', '✓')} push tokens reported (HTTP ${r.status})`,
    );
  },
};
