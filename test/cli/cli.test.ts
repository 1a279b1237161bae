/** The CLI as a user meets it: output, exit codes, errors without stack traces, secrets masked. */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';

let dir: string;
let demo: DemoServer;
let account: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-cli-'));
  account = join(dir, 'demo.json');
  await writeFile(account, JSON.stringify({ provider: 'demo', username: 'johndow', password: '12345678' }));
  demo = await startDemoServer();
});
afterAll(async () => {
  await demo.close();
});

describe('switchboard CLI', () => {
  it('prints help and lists the commands', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "switchboard: send messages through any HTTP provider described as data

      Usage: switchboard <command> [options]

      Commands:
        demo        Run a local provider that follows the Acrobits Send Message docs, and send through it
        providers   List the built-in providers and what an account for each needs
        validate    Check provider, account, route, fixture and gateway files; report every problem at once
        render      Show the exact HTTP request a send would make, without sending it
        send        Send a message to one or more recipients
        fetch       Fetch new messages (Acrobits Fetch Messages)
        balance     Check the account balance (Acrobits Balance Checker)
        rate        Check the rates for a number (Acrobits Rate Checker)
        push-token  Report push tokens (Acrobits Push Token Reporter)
        acrobits    Convert Acrobits Account XML to a JSON account (import) and back (export)
        init        Start a new provider file, with fixtures to fill in from its documentation
        test        Run a provider's documentation fixtures against a local server
        webhook     Verify a recorded webhook request and print the events it holds
        enqueue     Add messages to a Redis queue for workers to send
        worker      Send the messages of a Redis queue (run any number, on any machines)
        status      What a Redis queue holds: waiting, active, sent, failed, ambiguous
        serve       Run the softphone backend (Acrobits Send, Fetch, Push Token Reporter) over any provider
        gateway     Configure the softphone backend: hash a password, print the app's Account XML, the webhook URLs

      Every command takes --help and --debug. Exit codes: 0 all sent (or done), 1 some send or call failed, 2 usage or configuration error.
      Start with: switchboard demo"
    `);
  });

  it('runs the demo: one message sent, one refused as the Acrobits docs show', async () => {
    const { code, out } = await run('demo');
    expect(code).toBe(0);
    expect(out).toContain('✓ +1 (555) 123-1234: sent (HTTP 200');
    expect(out).toContain('✗ +1 555 000 0000: Invalid recipient (HTTP 406, PROVIDER_ERROR, not retryable)');
    expect(out).toContain('"password":"****"');
    expect(out).not.toContain('12345678');
  });

  it('lists the providers as a table and as JSON', async () => {
    const table = await run('providers');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^ID\s+NAME, then AUTH · ACCOUNT NEEDS · SERVICES · RECEIVES/);
    expect(table.out).toMatch(
      /demo\s+Switchboard demo .*\n\s+key in request · username, password\*, webhookToken\*\? ·\n\s+sendMessage · receives inbound, status · sends media\n/,
    );
    expect(table.out).toMatch(
      /twilio\s+Twilio .*\n\s+basic · [^·]+· sendMessage, fetchMessages\s+· receives status, inbound/,
    );
    const json = JSON.parse((await run('providers', '--json')).out) as { id: string }[];
    expect(json.map((p) => p.id)).toContain('demo');
  });

  it('renders what a send would send, message facts included (the encoding a provider’s derived type reads)', async () => {
    const vonage = join(dir, 'vonage.json');
    await writeFile(
      vonage,
      JSON.stringify({ provider: 'vonage-sms', username: 'abcd1234', password: 'secret', from: '+447700900001' }),
    );
    const rendered = JSON.parse(
      (await run('render', '--account', vonage, '--to', '+447700900000', '--body', 'Привет', '--json')).out,
    ) as { body: string };
    expect(new URLSearchParams(rendered.body).get('type')).toBe('unicode');
  });

  it('renders a paste-able curl command with secrets masked, and JSON on request', async () => {
    const curl = await run('render', '--account', account, '--to', '+15551231234', '--body', "it's 50% & more");
    expect(curl.code).toBe(0);
    expect(curl.out).toBe(
      [
        'curl -X POST http://127.0.0.1:8080/send_message/ \\',
        "  -H 'content-type: application/json' \\",
        `  --data-raw '{"from":"johndow","password":"****","sms_to":"+15551231234","sms_body":"it'\\''s 50% & more"}'`,
      ].join('\n'),
    );
    const json = JSON.parse(
      (await run('render', '--account', account, '--to', '+15551231234', '--body', 'Hi', '--json', '--show-secrets'))
        .out,
    );
    expect(json).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:8080/send_message/',
      headers: { 'content-type': 'application/json' },
      body: '{"from":"johndow","password":"12345678","sms_to":"+15551231234","sms_body":"Hi"}',
    });
  });

  it('sends, exits 1 when a recipient failed, and prints JSON results', async () => {
    const { code, out } = await run(
      'send',
      '--account',
      account,
      '--origin',
      demo.origin,
      '--to',
      '+15551231234',
      '--to',
      '+15550000000',
      '--body',
      'Hi',
      '--json',
    );
    expect(code).toBe(1);
    const results = JSON.parse(out) as { ok: boolean; error?: string }[];
    expect(results.map((r) => [r.ok, r.error])).toEqual([
      [true, undefined],
      [false, 'Invalid recipient'],
    ]);
  });

  it('exits 0 when every recipient was sent', async () => {
    const { code, out } = await run(
      'send',
      '--account',
      account,
      '--origin',
      demo.origin,
      '--to',
      '+15551231234',
      '--body',
      'Hi',
    );
    expect(code).toBe(0);
    expect(out).toMatch(/^✓ \+15551231234: sent \(HTTP 200, \d+ ms\)$/);
  });

  it('validates files, reporting every problem with file and pointer, exit 2', async () => {
    const bad = join(dir, 'acme.json');
    await writeFile(
      bad,
      JSON.stringify({
        $schema: 'x',
        id: 'acme',
        name: 'Acme',
        docs: 'https://x',
        parameters: {},
        services: { sendMessage: { url: 'https://x/?to=%sms_to%&k=%account[key]%', method: 'SEND' } },
      }),
    );
    const { code, out } = await run('validate', 'providers/demo.json', bad, account);
    expect(code).toBe(2);
    expect(out).toContain('✓ providers/demo.json: valid provider');
    // The template problem shows in the same run as the schema problem (issue 16, item 11).
    expect(out).toContain(`✗ ${bad}: 2 problems (provider)`);
    expect(out).toContain(
      `${bad}#/services/sendMessage/method: must be one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"`,
    );
    expect(out).toContain(`${bad}#/services/sendMessage/url: %account[key]% names an account parameter`);
    expect(out).toContain(`✓ ${account}: valid account (provider demo)`);
  });

  it('explains a configuration error in one paragraph, without a stack trace', async () => {
    const noPassword = join(dir, 'nopw.json');
    await writeFile(noPassword, JSON.stringify({ provider: 'demo', username: 'johndow' }));
    const { code, err } = await run('send', '--account', noPassword, '--to', '+15551231234', '--body', 'x');
    expect(code).toBe(2);
    expect(err).toBe(
      `Error: a configuration problem:\n  ${noPassword}#/password: is required by provider demo (Any password; it is masked in output.) but missing; add "password": "…", or "password": {"env": "DEMO_PASSWORD"} to read it from the environment`,
    );
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('refuses unknown options and missing arguments with usage, exit 2', async () => {
    const unknown = await run('send', '--acount', account);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Unknown option '--acount'");
    expect(unknown.err).toContain('Usage: switchboard send');
    const missing = await run('send', '--account', account, '--body', 'x');
    expect(missing).toMatchObject({ code: 2, err: 'Error: give at least one recipient with --to <number>' });
    expect((await run('frobnicate')).code).toBe(2);
  });

  it('stops quietly when its reader closes the pipe early (| head)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('demo --serve keeps the demo provider running for other commands, a line per request, until Ctrl-C', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    // The instructions may arrive in several chunks: wait for their last line.
    while (!stdout.includes('It answers 200') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const origin = /Demo provider on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] as string;
    expect(stdout).toContain(
      `npx switchboard send --account demo-account.json --origin ${origin} --to-file people.csv`,
    );

    const sent = await run(
      'send',
      '--account',
      account,
      '--origin',
      origin,
      '--to',
      '+1 555 123 1234',
      '--to',
      '+1 555 000 0000',
      '--body',
      'Hi',
    );
    expect(sent.code).toBe(1);
    expect(sent.out).toMatch(/✓ \+1 555 123 1234: sent/);
    // A body no client of ours would send is answered, not a crash.
    const odd = await fetch(`${origin}/send_message/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sms_to=%E0',
    });
    expect(odd.status).toBe(200); // read as U+FFFD, a recipient the demo accepts
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/POST \/send_message\/ \+15551231234 -> 200\n/);
    expect(stdout).toMatch(/POST \/send_message\/ \+15550000000 -> 406\n/);
    expect(stderr).toBe('SIGINT: demo provider stopped\n');
  });

  it('works as the installed binary', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/cli/main.js', 'providers', '--json']);
    expect((JSON.parse(stdout) as { id: string }[]).map((p) => p.id)).toContain('demo');
  });
});
