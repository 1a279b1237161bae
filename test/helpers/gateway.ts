/** Builds gateway files for tests and plays the Acrobits app against a running gateway. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountFromXml } from '../../src/acrobits/account.js';
import { createConnector, type Connector } from '../../src/connector/connector.js';
import { hashPassword } from '../../src/gateway/config/password.js';

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
