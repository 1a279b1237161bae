/** Builds gateway files for tests and plays the Acrobits app against a running gateway. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountFromXml } from '../../src/acrobits/account.js';
import { createConnector, type Connector } from '../../src/connector/connector.js';
import { hashPassword } from '../../packages/gateway/src/config/password.js';

/** One user of a test gateway. */
export interface TestUser {
  login: string;
  password: string;
  numbers: string[];
}

/** Writes an account file sending to the demo provider at `providerOrigin`, and a gateway file; returns its path. */
export async function writeGatewayFiles(
  providerOrigin: string,
  users: TestUser[],
  extra: Record<string, unknown> = {},
  dir?: string,
): Promise<{ dir: string; file: string }> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'sb-gateway-')));
  const account = {
    username: 'johndow',
    password: '12345678',
    genericSmsSendUrl: `${providerOrigin}/send_message/`,
    genericSmsPostData:
      '{"from":"%account[from]%","password":"%account[password]%","sms_to":"%sms_to%","sms_body":"%sms_body%","id":"%message_id%"}',
    genericSmsContentType: 'application/json',
    from: '',
  };
  await writeFile(join(folder, 'provider-account.json'), JSON.stringify(account));
  const gateway = {
    publicUrl: 'http://127.0.0.1:8080',
    users: await Promise.all(
      users.map(async (u) => ({
        login: u.login,
        passwordHash: await hashPassword(u.password),
        numbers: u.numbers,
        account: 'provider-account.json',
      })),
    ),
    database: { sqlite: 'gateway.db' },
    ...extra,
  };
  const file = join(folder, 'gateway.json');
  await writeFile(file, JSON.stringify(gateway, null, 2));
  return { dir: folder, file };
}

/** Rewrites the gateway file's publicUrl (once the gateway's port is known). */
export async function setPublicUrl(file: string, url: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...value, publicUrl: url }, null, 2));
}

/**
 * An app: the Account XML as the admin printed it, with the password the user typed, loaded by
 * Switchboard's Acrobits loader (which renders templates as the app does), on one device.
 */
export function appFromXml(xml: string, password: string, installid: string): Connector {
  const typed = xml.replace('<password></password>', `<password>${password}</password>`);
  return createConnector({
    account: accountFromXml(typed, 'account.xml'),
    globals: { installid },
    includeResponse: true,
    retry: false,
  });
}

/** The Twilio account every Twilio test gateway sends through; the token signs its webhooks. */
export const TWILIO = { sid: 'AC0123456789abcdef0123456789abcdef', token: 'twilio-auth-token-0123456789abcdef' };

/**
 * Writes a gateway file whose users send through Twilio (`twilio.json`, the catalogue's provider,
 * or with `providerOrigin` a copy of it whose API is at that origin, for gateways in other
 * processes), publicUrl `publicUrl`.
 */
export async function writeTwilioGateway(
  users: TestUser[],
  publicUrl: string,
  extra: Record<string, unknown> = {},
  providerOrigin?: string,
): Promise<{ dir: string; file: string }> {
  const { readFile } = await import('node:fs/promises');
  const dir = await mkdtemp(join(tmpdir(), 'sb-gateway-twilio-'));
  let provider = 'twilio';
  if (providerOrigin !== undefined) {
    const original = await readFile(new URL('../../providers/twilio.json', import.meta.url), 'utf8');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'providers'));
    await writeFile(
      join(dir, 'providers', 'twilio.json'),
      original.replaceAll('https://api.twilio.com', providerOrigin),
    );
    provider = './providers/twilio.json';
  }
  const account = { provider, username: TWILIO.sid, password: TWILIO.token, from: '+15550100001' };
  await writeFile(join(dir, 'twilio.json'), JSON.stringify(account));
  const gateway = {
    publicUrl,
    users: await Promise.all(
      users.map(async (u) => ({
        login: u.login,
        passwordHash: await hashPassword(u.password),
        numbers: u.numbers,
        account: 'twilio.json',
      })),
    ),
    database: { sqlite: 'gateway.db' },
    ...extra,
  };
  const file = join(dir, 'gateway.json');
  await writeFile(file, JSON.stringify(gateway, null, 2));
  return { dir, file };
}

/** A form POST signed as Twilio signs it: X-Twilio-Signature by the twilio SDK over `publicUrl` and the pairs. */
export async function twilioWebhook(
  publicUrl: string,
  params: Record<string, string>,
  token = TWILIO.token,
): Promise<{ headers: Record<string, string>; body: string }> {
  const { default: twilio } = await import('twilio');
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(token, publicUrl, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

/** A loopback Twilio: answers each message 201 with a fresh sid, as the Messages API does. */
export function twilioAnswer() {
  let sent = 0;
  return () => {
    const sid = `SM${String(++sent).padStart(32, '0')}`;
    return {
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid, status: 'queued', account_sid: TWILIO.sid }),
    };
  };
}

/** A `switchboard serve --config` process (from dist/) and the URL it listens on. */
export interface ServedGateway {
  readonly child: ChildProcess;
  readonly url: string;
}

/**
 * Starts `switchboard serve --config <file>` from dist/ on a free port; resolves once it listens.
 * The caller kills it (`child.kill('SIGKILL')` for a crash).
 */
export async function serveProcess(file: string): Promise<ServedGateway> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--config', file, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(err)?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited ${String(code)}: ${err}`)));
  });
}
