/**
 * `switchboard serve` as a process (dist/; run `npm run build` first): the demo needs no account
 * anywhere, and SIGTERM finishes an acknowledged send before the process stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRecordingServer } from '../../src/fixtures/recording-server.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the CLI; resolves once standard error matches `ready`. */
function start(
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; err: () => string; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = ready.exec(err);
      if (match !== null) resolve({ child, err: () => err, match });
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${err}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', resolve));
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('switchboard serve --demo', () => {
  it('prints the credentials and the Account XML, sends through the demo provider, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-demo-'));
    const { child, err, match } = await start(['serve', '--demo', '--port', '0', '--dir', dir], /<\/account>/);
    const url = /on (http:\/\/127\.0\.0\.1:\d+),/.exec(err())?.[1] ?? '';
    const password = /password: (\S+)/.exec(match.input)?.[1] ?? '';
    expect(err()).toContain('<genericSmsSendUrl>');
    expect(err()).toContain(`${url}/acrobits/send`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const sent = await post(`${url}/acrobits/send`, { username: 'demo', password, to: '+15551231234', body: 'Hello' });
    expect(await sent.json()).toEqual({ sms_id: '1' });
    const refused = await post(`${url}/acrobits/send`, { username: 'demo', password, to: '+15550000000', body: 'x' });
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({ message: 'Invalid recipient' });
    const fetched = await post(`${url}/acrobits/fetch`, { username: 'demo', password, last_known_sent_sms_id: '' });
    const body = (await fetched.json()) as { sent_smss: { sms_id: string; sms_text: string }[] };
    expect(body.sent_smss.map((m) => [m.sms_id, m.sms_text])).toEqual([['1', 'Hello']]);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  }, 30_000);
});

describe('switchboard serve, stopped with SIGTERM during a send', () => {
  it('answers the send and records it as sent before it exits', async () => {
    const provider = await startRecordingServer(() => (_request, res) => {
      setTimeout(() => res.writeHead(200).end(''), 800);
    });
    const user = { login: 'alice', password: 'pw-for-shutdown', numbers: ['+15550100001'] };
    const { dir, file } = await writeGatewayFiles(provider.origin, [user], { push: { enabled: false } });
    const { child, match } = await start(['serve', '--config', file, '--port', '0'], /listening on (http:\/\/\S+)/);
    const answer = post(`${match[1] ?? ''}/acrobits/send`, {
      username: 'alice',
      password: user.password,
      to: '+15551231234',
      body: 'last words',
    });
    while (provider.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await exited(child)).toBe(0);
    const store = openSqliteStore(join(dir, 'gateway.db'));
    expect((await store.message('alice', 1))?.sendState).toBe('sent');
    await store.close();
    await provider.close();
  }, 30_000);
});
