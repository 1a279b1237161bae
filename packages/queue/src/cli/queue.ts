/**
 * `switchboard enqueue`, `worker` and `status`: a queue on Redis (BullMQ) that any number of
 * workers on any number of machines send from, with the journal's promise and shared rate limits.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { readRecipients } from 'switchboard/internal/bulk/recipients.js';
import { outcomeOf } from 'switchboard/internal/bulk/send-many.js';
import { loadAccountAndProvider } from 'switchboard/internal/config/load-account.js';
import { suppressionLookup } from 'switchboard/internal/connector/suppression-check.js';
import type { BulkItem } from 'switchboard/internal/bulk/items.js';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import { DEFAULT_QUEUE, DEFAULT_REDIS_URL, queueLocation, redactUrl, type QueueLocation } from '../location.js';
import { defaultCampaign } from '../campaign.js';
import type { EnqueueOptions } from '../enqueue.js';
import type { SwitchboardQueue } from '../queue.js';
import type { QueueStatus } from '../status.js';
import type { QueueWorker } from '../worker.js';
import { EXIT, list, positive, str, type Command, type Parsed } from 'switchboard/internal/cli/command.js';
import { oneLine } from 'switchboard/internal/cli/format.js';
import { type Io, paint, printJson } from 'switchboard/internal/cli/io.js';
import { AMBIGUOUS_ADVICE, listed } from 'switchboard/internal/cli/bulk-summary.js';
import {
  OPT_OUTS_HELP,
  OPT_OUTS_OPTIONS,
  messageBody,
  openConnector,
  optOutsOption,
  stdin,
} from 'switchboard/internal/cli/open.js';

const QUEUE_OPTIONS = { redis: { type: 'string' }, queue: { type: 'string' }, json: { type: 'boolean' } } as const;
const QUEUE_HELP = [
  `--redis <url>         the Redis holding the queue (default ${DEFAULT_REDIS_URL})`,
  `--queue <name>        the queue (default ${DEFAULT_QUEUE})`,
] as const;

function location(args: Parsed): QueueLocation {
  return queueLocation({ redis: str(args, 'redis'), queue: str(args, 'queue') });
}

/** Runs `use` with a handle on the queue; the connection gives up quickly when Redis is not there. */
async function withQueue<T>(where: QueueLocation, use: (queue: SwitchboardQueue) => Promise<T>): Promise<T> {
  const { openQueue } = await import('../queue.js'); // BullMQ and ioredis load only for queue commands
  const queue = await openQueue(where);
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}

export const enqueue: Command = {
  name: 'enqueue',
  summary: 'Add messages to a Redis queue for workers to send',
  usage:
    'switchboard enqueue --account <file> (--to <number>… | --to-file <csv|->) --body <text> [--campaign <id>] [--opt-outs <file>] [--redis <url>] [--queue <name>] [--json]',
  help: [
    '--account <file>      account file each message is sent through; workers read it at the same absolute path',
    '--to <number>         recipient; repeat for several',
    '--to-file <csv|->     one message per CSV row, as send --to-file (- for stdin, which needs --campaign)',
    "--body <text>         message text; %csv[column]% for a row's values",
    '--campaign <id>       prefix of the message ids (default: a hash of account, text and recipients, so',
    '                      enqueuing the same again adds nothing)',
    ...OPT_OUTS_HELP,
    ...QUEUE_HELP,
    '--json                print the summary as JSON',
  ],
  options: {
    ...QUEUE_OPTIONS,
    account: { type: 'string' },
    to: { type: 'string', multiple: true },
    'to-file': { type: 'string' },
    body: { type: 'string' },
    campaign: { type: 'string' },
    ...OPT_OUTS_OPTIONS,
  },
  positionals: false,
  async run(args, io) {
    const where = location(args);
    const body = messageBody(args);
    // The account must load here, so a mistake shows now and not on every worker.
    await (await openConnector(args)).close();
    const account = resolve(str(args, 'account') as string);
    const refuse = await refusal(args, account);
    const { items, campaign } = await messages(args, io, account, body);
    const summary = await withQueue(where, (queue) =>
      queue.enqueue(items, { account, campaign, ...(refuse === undefined ? {} : { refuse }) }),
    );
    const failures = summary.refused.length + summary.badRows.length;
    if (args.values.json) printJson(io, { queue: where.queue, ...summary });
    else {
      const counts = [
        `${summary.enqueued} enqueued`,
        `${summary.alreadyQueued} already in the queue`,
        `${summary.alreadyTaken} already taken by a worker`,
        ...(refuse === undefined ? [] : [`${summary.refused.length} refused`]),
        `${summary.badRows.length} bad rows`,
      ];
      io.out(
        `${failures === 0 ? paint(io, 'green', '✓') : paint(io, 'red', '✗')} ${counts.join(', ')} (queue ${where.queue}, campaign ${summary.campaign})`,
      );
      for (const line of listed(summary.refused, (r) => `  ${r.id}  ${r.to}: ${oneLine(r.error ?? '')} (${r.code})`))
        io.out(line);
      for (const row of summary.badRows.slice(0, 50)) io.out(`  line ${row.line ?? row.id}: ${oneLine(row.error)}`);
      io.out(
        `Workers send them: switchboard worker --redis ${redactUrl(where.redis)} --queue ${where.queue}; progress: switchboard status`,
      );
    }
    return failures === 0 ? EXIT.ok : EXIT.sendFailed;
  },
};

/**
 * With `--opt-outs`: refuses a message to a recipient the file says opted out of the account's
 * sender, in the words and keys of the connector's own check (the workers check again when they send).
 */
async function refusal(args: Parsed, account: string): Promise<EnqueueOptions['refuse']> {
  const { suppression } = await optOutsOption(args);
  if (suppression === undefined) return undefined;
  const { account: loaded } = await loadAccountAndProvider(account);
  const lookup = suppressionLookup(suppression, loaded.values.from ?? '', loaded.defaultCountry);
  return async (job) => {
    const refused = await lookup(job.to);
    return refused === undefined ? undefined : outcomeOf({ id: job.messageId, to: job.to, body: job.body }, refused);
  };
}

/** The messages of `--to` or `--to-file`, and the campaign that names them. */
async function messages(
  args: Parsed,
  io: Io,
  account: string,
  body: string,
): Promise<{ items: AsyncIterable<BulkItem> | Iterable<BulkItem>; campaign: string }> {
  const to = list(args, 'to');
  const file = str(args, 'to-file');
  const given = str(args, 'campaign');
  if (given !== undefined && !/^[A-Za-z0-9_.]+$/.test(given))
    throw new SwitchboardError('USAGE', `the campaign "${given}" may hold only letters, digits, _ and .`);
  if ((file === undefined) === (to.length === 0))
    throw new SwitchboardError('USAGE', 'give the recipients with --to <number>… or --to-file <csv|->, one of the two');
  if (file === undefined) {
    return {
      items: to.map((number, i) => ({ id: String(i + 1), to: number, body })),
      campaign: given ?? (await defaultCampaign([account, body, ...to])),
    };
  }
  if (file === '-') {
    if (given === undefined)
      throw new SwitchboardError(
        'USAGE',
        'reading recipients from standard input needs --campaign <id>, so enqueuing the same again is recognised',
      );
    return { items: readRecipients(stdin(io), { body }), campaign: given };
  }
  return { items: readRecipients(file, { body }), campaign: given ?? (await fileCampaign(file, account, body)) };
}

async function fileCampaign(file: string, account: string, body: string): Promise<string> {
  try {
    return await defaultCampaign([account, body, createReadStream(file)]);
  } catch (error) {
    throw new SwitchboardError('USAGE', `cannot read the recipients file ${file}: ${(error as Error).message}`);
  }
}

export const worker: Command = {
  name: 'worker',
  summary: 'Send the messages of a Redis queue (run any number, on any machines)',
  usage:
    'switchboard worker [--redis <url>] [--queue <name>] [--concurrency <n>] [--origin <url>] [--opt-outs <file>] [--lock-ms <ms>] [--stalled-ms <ms>] [--log-every <s>]',
  help: [
    ...QUEUE_HELP,
    '--concurrency <n>     messages in progress at once (default 8)',
    '--origin <url>        replace scheme, host and port of provider URLs (a sandbox, a test server)',
    ...OPT_OUTS_HELP,
    "--lock-ms <ms>        a dead worker's messages go to another worker after this (default 30000)",
    "--stalled-ms <ms>     how often to look for a dead worker's messages (default 30000)",
    "--log-every <s>       a line with this worker's counts and rate every so many seconds while it",
    '                      sends (default 10)',
  ],
  notes: ['Stops on SIGTERM or Ctrl-C after the messages in progress are recorded.'],
  options: {
    // No --json: a worker prints progress lines while it runs, not one result.
    redis: QUEUE_OPTIONS.redis,
    queue: QUEUE_OPTIONS.queue,
    concurrency: { type: 'string' },
    origin: { type: 'string' },
    ...OPT_OUTS_OPTIONS,
    'lock-ms': { type: 'string' },
    'stalled-ms': { type: 'string' },
    'log-every': { type: 'string' },
  },
  positionals: false,
  async run(args, io) {
    const where = location(args);
    const origin = str(args, 'origin');
    const concurrency = positive(args, 'concurrency') ?? 8;
    const lockDuration = positive(args, 'lock-ms');
    const stalledInterval = positive(args, 'stalled-ms');
    let lastError = '';
    const { suppression } = await optOutsOption(args);
    const { startWorker } = await import('../worker.js');
    const w = startWorker(where, {
      concurrency,
      ...(suppression === undefined ? {} : { suppression }),
      ...(origin === undefined ? {} : { origin }),
      ...(lockDuration === undefined ? {} : { lockDuration }),
      ...(stalledInterval === undefined ? {} : { stalledInterval }),
      onJob: (id, what, outcome) => {
        if (what === 'failed')
          io.err(
            `${paint(io, 'red', 'failed')} ${id} ${outcome?.to ?? ''}: ${oneLine(outcome?.error ?? '')} (${outcome?.code ?? 'failed'})`,
          );
        if (what === 'ambiguous')
          io.err(
            `${paint(io, 'yellow', 'ambiguous')} ${id} ${outcome?.to ?? ''}: may have reached the provider; not sent again`,
          );
      },
      onError: (error) => {
        if (error.message !== lastError) io.err(`${paint(io, 'yellow', 'Redis:')} ${error.message} (retrying)`);
        lastError = error.message;
      },
    });
    const stop = new Promise<string>((done) => {
      process.once('SIGTERM', () => done('SIGTERM'));
      process.once('SIGINT', () => done('SIGINT'));
    });
    let logging: NodeJS.Timeout | undefined;
    try {
      // Ctrl-C also while waiting for Redis, which BullMQ would wait for forever.
      const first = await Promise.race([w.ready().then(() => undefined), stop]);
      if (first === undefined) {
        io.out(`worker ${w.id} ready: queue ${where.queue} at ${redactUrl(where.redis)}, concurrency ${concurrency}`);
        logging = logCounts(io, w, (positive(args, 'log-every') ?? 10) * 1000);
      }
      const signal = first ?? (await stop);
      io.err(`${signal}: finishing the messages in progress…`);
    } finally {
      clearInterval(logging);
      await w.close();
    }
    const c = w.counts;
    io.out(
      `worker ${w.id} stopped: ${c.sent} sent, ${c.failed} failed, ${c.ambiguous} ambiguous, ${c.skipped} already done`,
    );
    return EXIT.ok;
  },
};

/** A line with the worker's counts every `everyMs` while it is sending (none while it is idle). */
function logCounts(io: Io, w: QueueWorker, everyMs: number): NodeJS.Timeout {
  let lastDone = 0;
  const timer = setInterval(() => {
    const c = w.counts;
    const done = c.sent + c.failed + c.ambiguous + c.skipped;
    if (done === lastDone) return;
    const rate = ((done - lastDone) / (everyMs / 1000)).toFixed(1);
    lastDone = done;
    io.out(
      `worker ${w.id}: ${c.sent} sent, ${c.failed} failed, ${c.ambiguous} ambiguous, ${c.skipped} already done; ${rate}/s`,
    );
  }, everyMs);
  timer.unref();
  return timer;
}

export const status: Command = {
  name: 'status',
  summary: 'What a Redis queue holds: waiting, active, sent, failed, ambiguous',
  usage: 'switchboard status [--redis <url>] [--queue <name>] [--json] [--clear [--force]]',
  help: [
    ...QUEUE_HELP,
    '--json                counts and the failed and ambiguous messages as JSON',
    '--clear               after showing the status, forget the queue: its jobs and the record of each',
    '                      message (kept until then so enqueuing again sends nothing twice); refused',
    '                      while messages wait or are in progress',
    '--force               with --clear: also drop messages still waiting or in progress, unsent',
  ],
  notes: ['Exit code 0 when nothing failed or is ambiguous, else 1.'],
  options: { ...QUEUE_OPTIONS, clear: { type: 'boolean' }, force: { type: 'boolean' } },
  positionals: false,
  async run(args, io) {
    const where = location(args);
    if (args.values.force === true && args.values.clear !== true)
      throw new SwitchboardError('USAGE', '--force goes with --clear');
    return withQueue(where, async (queue) => {
      const s = await queue.status();
      if (args.values.json) printJson(io, s);
      else printStatus(io, s);
      if (args.values.clear === true) {
        const cleared = await queue.clear({ force: args.values.force === true });
        const dropped = cleared.waiting + cleared.active;
        const message = `Cleared queue ${cleared.queue}: forgot ${cleared.sent} sent, ${cleared.failed} failed and ${cleared.ambiguous} ambiguous records${dropped > 0 ? ` and dropped ${dropped} unsent messages` : ''}. Enqueuing the same messages again would now send them again.`;
        if (args.values.json) io.err(message);
        else io.out(`\n${message}`);
      }
      return s.failed + s.ambiguous + s.errored === 0 ? EXIT.ok : EXIT.sendFailed;
    });
  },
};

function printStatus(io: Io, s: QueueStatus): void {
  io.out(
    `queue ${s.queue}: ${s.waiting} waiting, ${s.active} active, ${s.sent} sent, ${s.failed} failed, ${s.ambiguous} ambiguous${s.errored > 0 ? `, ${s.errored} worker errors` : ''}`,
  );
  if (s.failedMessages.length > 0) {
    io.out(`\nFailed, not delivered (${s.failed}):`);
    for (const line of listed(
      s.failedMessages,
      (f) =>
        `  ${f.id}  ${f.to}: ${f.error ?? 'failed'} (${[f.code, f.status ? `HTTP ${f.status}` : undefined, f.retryable ? 'nothing arrived: enqueue it again to retry' : undefined].filter(Boolean).join(', ')})`,
    ))
      io.out(line);
  }
  if (s.ambiguousMessages.length > 0) {
    io.out(`\nAmbiguous, may have reached the provider (${s.ambiguous}); never sent again automatically:`);
    for (const line of listed(
      s.ambiguousMessages,
      (a) => `  ${a.id}  ${a.to}: ${a.reason ?? a.error ?? a.code ?? 'no answer'}`,
    ))
      io.out(line);
    io.out(AMBIGUOUS_ADVICE);
  }
}
