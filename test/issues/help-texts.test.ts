/** Issue 9, item 22: every command's usage line names every flag it takes, and notes stay out of the option list. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.js';
import { run } from '../helpers/cli.js';

/**
 * A help line is a flag, a positional or an action (`import <file>`, `deliveries list`), or the
 * continuation of the line before.
 */
const OPTION_LINE = /^(-[a-z-]|[a-z][a-z-]*( [a-z][a-z-]*)?( <[^>]+>)?\s{2,}| {10,}\S)/;

const LOADED = await Promise.all(COMMANDS.map(async (c) => [c.name, await c.load()] as const));

describe.each(LOADED)('switchboard %s --help', (_name, command) => {
  const flags = Object.keys(command.options).map((name) => `--${name}`);

  it('names every flag in its usage line', () => {
    expect(flags.filter((flag) => !new RegExp(`${flag}(?![\\w-])`).test(command.usage))).toEqual([]);
  });

  it('explains every flag in its option list', () => {
    expect(flags.filter((flag) => !command.help.some((line) => new RegExp(`${flag}(?![\\w-])`).test(line)))).toEqual(
      [],
    );
  });

  it('keeps notes out of its option list', () => {
    expect(command.help.filter((line) => !OPTION_LINE.test(line))).toEqual([]);
  });
});

describe('help texts, pinned', () => {
  it('render', async () => {
    expect((await run('render', '--help')).out).toMatchInlineSnapshot(`
      "Show the exact HTTP request a send would make, without sending it

      Usage: switchboard render --account <file> [--provider <id|file>] --to <number> --body <text> [--media <url>…] [--origin <url>] [--status-callback <url>] [--json] [--show-secrets]

      Options:
        --account <file>      account file: JSON, or Acrobits Account XML
        --provider <id|file>  provider to use instead of the one the account names
        --origin <url>        replace scheme, host and port of the URL (e.g. a sandbox)
        --body <text>         message text
        --status-callback <url>
                              per-message delivery report URL; ?sb=<message id> is appended
        --to <number>         recipient
        --media <url>         attach the file at this URL (https; the provider fetches it); repeat for several.
                              A provider that cannot take it refuses the message, unless the account says
                              "mediaFallback": "text-with-link"
        --json                print {"method","url","headers","body"} instead of a curl command
        --show-secrets        show passwords and tokens instead of ****
        --debug               show stack traces for errors
        -h, --help            this help"
    `);
  });

  it('send', async () => {
    expect((await run('send', '--help')).out).toMatchInlineSnapshot(`
      "Send a message to one or more recipients

      Usage: switchboard send --account <file> [--provider <id|file>] --to <number> [--to <number>…] --body <text> [--media <url>…] [--origin <url>] [--status-callback <url>] [--concurrency <n>] [--opt-outs <file>] [--json]
             switchboard send --account <file> --to-file <csv|-> [--journal <file>] [--resume] [--fsync] [--concurrency <n>] [--status-callback <url>] [--opt-outs <file>] --body <text> [--json]
             switchboard send --routes <file> --to <number>… | --to-file <csv|-> --body <text> [--opt-outs <file>] [--json]

      Options:
        --account <file>      account file: JSON, or Acrobits Account XML
        --provider <id|file>  provider to use instead of the one the account names
        --origin <url>        replace scheme, host and port of the URL (e.g. a sandbox)
        --body <text>         message text
        --status-callback <url>
                              per-message delivery report URL; ?sb=<message id> is appended
        --routes <file>       a route file instead of --account: accounts by destination prefix, with fallback
        --to <number>         recipient; repeat for several (one request each)
        --media <url>         attach the file at this URL (https; the provider fetches it); repeat for several.
                              A provider that cannot take it refuses the message, unless the account says
                              "mediaFallback": "text-with-link"
        --to-file <csv|->     send to every row of a CSV (- for stdin): a header, the number in column
                              to, number or phone (else the first), %csv[column]% in --body for values
        --journal <file>      record of the send (default <csv>.journal.jsonl; required for stdin)
        --resume              continue the send the journal records: skip what was sent, never resend
                              what may have arrived (listed as ambiguous)
        --fsync               flush the journal to disk after every record (survives power loss; slower)
        --concurrency <n>     requests in flight at once (default 8); the provider's rate limits still hold
        --opt-outs <file>     refuse recipients this CSV says opted out of the sender (RECIPIENT_OPTED_OUT,
                              nothing sent); opt-outs a provider reports are added to it. The format of
                              gateway optouts export; an empty file is an empty list
        --json                print the results (or the summary of --to-file) as JSON
        --debug               show stack traces for errors
        -h, --help            this help"
    `);
  });

  it('acrobits', async () => {
    expect((await run('acrobits', '--help')).out).toMatchInlineSnapshot(`
      "Convert Acrobits Account XML to a JSON account (import) and back (export)

      Usage: switchboard acrobits import <account.xml> [--show-secrets] | switchboard acrobits export --account <file> [--provider <id|file>] [--json] [--show-secrets]

      Options:
        import <account.xml>  print the equivalent JSON account (every key kept)
        export                print Account XML with the generic… keys a softphone can be provisioned with
        --account <file>      (export) the account, JSON or XML
        --provider <id|file>  (export) provider to use instead of the one the account names
        --json                (export) print {"xml", "notExpressible"} instead
        --show-secrets        write passwords and tokens instead of **** (needed for a document you can use)
        --debug               show stack traces for errors
        -h, --help            this help

      export exits 1 when something the provider does cannot be expressed in Account XML; it says what."
    `);
  });

  it('worker', async () => {
    expect((await run('worker', '--help')).out).toMatchInlineSnapshot(`
      "Send the messages of a Redis queue (run any number, on any machines)

      Usage: switchboard worker [--redis <url>] [--queue <name>] [--concurrency <n>] [--origin <url>] [--opt-outs <file>] [--lock-ms <ms>] [--stalled-ms <ms>] [--log-every <s>]

      Options:
        --redis <url>         the Redis holding the queue (default redis://127.0.0.1:6379)
        --queue <name>        the queue (default switchboard)
        --concurrency <n>     messages in progress at once (default 8)
        --origin <url>        replace scheme, host and port of provider URLs (a sandbox, a test server)
        --opt-outs <file>     refuse recipients this CSV says opted out of the sender (RECIPIENT_OPTED_OUT,
                              nothing sent); opt-outs a provider reports are added to it. The format of
                              gateway optouts export; an empty file is an empty list
        --lock-ms <ms>        a dead worker's messages go to another worker after this (default 30000)
        --stalled-ms <ms>     how often to look for a dead worker's messages (default 30000)
        --log-every <s>       a line with this worker's counts and rate every so many seconds while it
                              sends (default 10)
        --debug               show stack traces for errors
        -h, --help            this help

      Stops on SIGTERM or Ctrl-C after the messages in progress are recorded."
    `);
  });

  it('status', async () => {
    expect((await run('status', '--help')).out).toMatchInlineSnapshot(`
      "What a Redis queue holds: waiting, active, sent, failed, ambiguous

      Usage: switchboard status [--redis <url>] [--queue <name>] [--json] [--clear [--force]]

      Options:
        --redis <url>         the Redis holding the queue (default redis://127.0.0.1:6379)
        --queue <name>        the queue (default switchboard)
        --json                counts and the failed and ambiguous messages as JSON
        --clear               after showing the status, forget the queue: its jobs and the record of each
                              message (kept until then so enqueuing again sends nothing twice); refused
                              while messages wait or are in progress
        --force               with --clear: also drop messages still waiting or in progress, unsent
        --debug               show stack traces for errors
        -h, --help            this help

      Exit code 0 when nothing failed or is ambiguous, else 1."
    `);
  });
});
