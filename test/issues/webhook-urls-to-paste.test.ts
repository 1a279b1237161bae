/**
 * Issue 16 item 8: `gateway webhooks` printed a URL-secret account's URLs without their `?key=`,
 * so a URL pasted as printed was refused. It prints what to paste, marked as a secret.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../packages/gateway/src/config/password.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { run } from '../helpers/cli.js';
import { setPublicUrl } from '../helpers/gateway.js';

const KEY = 'k3y-0f-the-url';
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function clickSendGateway(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-paste-'));
  const account = {
    provider: 'clicksend',
    username: 'u',
    password: 'api-key',
    from: '+61411111111',
    webhookToken: KEY,
  };
  await writeFile(join(dir, 'clicksend.json'), JSON.stringify(account));
  const file = join(dir, 'gateway.json');
  const user = {
    login: 'alice',
    passwordHash: await hashPassword('paste-password'),
    numbers: ['+61411111111'],
    account: 'clicksend.json',
  };
  await writeFile(
    file,
    JSON.stringify({ publicUrl: 'http://127.0.0.1:8080', users: [user], database: { sqlite: 'gateway.db' } }),
  );
  return file;
}

describe('gateway webhooks for a provider that signs nothing', () => {
  it('prints URLs with the key, marked secret, that the gateway accepts as pasted', async () => {
    const file = await clickSendGateway();
    gateway = await startGateway(await loadGateway(file), { port: 0 }, { push: { backoffMs: 10 } });
    await setPublicUrl(file, gateway.url);
    const printed = await run('gateway', 'webhooks', '--config', file);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain(`${gateway.url}/hooks/clicksend/inbound?key=${KEY}`);
    expect(printed.out).toContain('SECRET:');
    const json = JSON.parse((await run('gateway', 'webhooks', '--config', file, '--json')).out) as {
      endpoint: string;
      url: string;
      secret: boolean;
    }[];
    const inbound = json.find((row) => row.endpoint === 'inbound');
    expect(inbound?.secret).toBe(true);
    const response = await fetch(inbound?.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'timestamp=1767225630&from=%2B61411111112&body=hello&to=%2B61411111111&message_id=F1B2C3D4',
    });
    expect(response.status).toBe(200);
    const page = { count: 10, bytes: 1 << 20 };
    const { received } = await gateway.store.fetch('alice', { received: undefined, sent: undefined }, page);
    expect(received.map((m) => m.sms_text)).toEqual(['hello']);
  });

  it('marks nothing secret for a provider that signs its webhooks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-paste-'));
    await writeFile(
      join(dir, 'twilio.json'),
      JSON.stringify({ provider: 'twilio', username: 'AC0123', password: 'token', from: '+15550100001' }),
    );
    const user = {
      login: 'a',
      passwordHash: await hashPassword('pw-0123456'),
      numbers: ['+15550100001'],
      account: 'twilio.json',
    };
    const file = join(dir, 'gateway.json');
    await writeFile(
      file,
      JSON.stringify({ publicUrl: 'https://sms.example.test', users: [user], database: { sqlite: 'g.db' } }),
    );
    const rows = JSON.parse((await run('gateway', 'webhooks', '--config', file, '--json')).out) as {
      url: string;
      secret: boolean;
    }[];
    expect(rows.map((r) => [r.url, r.secret]).sort()).toEqual([
      ['https://sms.example.test/hooks/twilio/events', false],
      ['https://sms.example.test/hooks/twilio/inbound', false],
      ['https://sms.example.test/hooks/twilio/status', false],
    ]);
  });
});
