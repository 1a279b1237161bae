/**
 * Issue 9, item 11: provider text drove the terminal. A 400 body with escape sequences cleared
 * the screen, set the window title and printed a fake green "sent". Human output now shows
 * control characters escaped; `--json` stays exact. Run through the built CLI (`npm run build`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, styleText } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { escapeControls } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const HOSTILE =
  '\u001b[2J\u001b[H\u001b]0;pwned\u0007\r\n\u001b[32m✓\u001b[39m +15551231234: sent (HTTP 200)\u202e\u009b31m';
/** What a terminal acts on: C0 controls but newline, DEL, C1 controls, bidi overrides and isolates. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let server: RecordingServer;
let account: string;
beforeAll(async () => {
  server = await startRecordingServer(() => ({
    status: 400,
    headers: { 'content-type': 'text/plain' },
    body: HOSTILE,
  }));
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-issue9-'));
  account = join(dir, 'demo.json');
  await writeFile(account, JSON.stringify({ provider: 'demo', username: 'johndow', password: '12345678' }));
});
afterAll(() => server.close());

const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['dist/cli/main.js', ...args], {
    env: { ...process.env, FORCE_COLOR: '1' },
  }).catch((error: { stdout: string; stderr: string; code: number }) => error);

describe('provider text on the terminal', () => {
  it('shows the control characters of a provider error escaped, on one line', async () => {
    const { stdout, stderr } = await cli(
      'send',
      '--account',
      account,
      '--to',
      '+15551231234',
      '--body',
      'x',
      '--origin',
      server.origin,
    );
    expect(stdout + stderr).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain(
      '\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\n\\x1b[32m✓\\x1b[39m +15551231234: sent (HTTP 200)\\u{202e}\\x9b31m',
    );
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/^✗ \+15551231234: /);
  });

  it('keeps --json exact', async () => {
    const { stdout } = await cli(
      'send',
      '--account',
      account,
      '--to',
      '+15551231234',
      '--body',
      'x',
      '--origin',
      server.origin,
      '--json',
    );
    expect((JSON.parse(stdout) as { error: string }[])[0]?.error).toBe(HOSTILE);
  });

  it("keeps its own colours on a terminal while escaping the provider's", async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), tty: true, env: {} };
    await runCli(['send', '--account', account, '--to', '+15551231234', '--body', 'x', '--origin', server.origin], io);
    const line = out.join('\n');
    expect(line.startsWith(`${styleText('red', '✗')} +15551231234: \\x1b[2J`)).toBe(true);
    expect(line.replace(styleText('red', '✗'), '')).not.toMatch(RAW_CONTROL);
  });

  it('escapes every C0 and C1 control but newline and tab, and the bidi controls', () => {
    expect(escapeControls('a\u0000b\u001bc\u007fd\u0085e\u200ff\u2066g\nh\ti')).toBe(
      'a\\x00b\\x1bc\\x7fd\\x85e\\u{200f}f\\u{2066}g\nh\ti',
    );
  });
});
