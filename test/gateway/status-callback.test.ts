/**
 * Issue 11 item 2: the gateway hands each connector whose provider's send template carries
 * `%status_callback_url%` its own status webhook URL, with the URL secret the provider's recipe
 * checks, so the provider's delivery report comes back to the gateway and updates the message.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();

describe('the gateway’s status callback URL per message', () => {
  it('gives a 46elks account its own /hooks/…/status?key= URL with sb=<message id>, and the report to it marks the message delivered', async () => {
    const provider = await server(() => ({ status: 200, body: '{"id":"s70df","status":"created"}' }));
    const user = { login: 'alice', password: 'pw-alice', numbers: ['+46700000000'] };
    const { dir, file } = await writeGatewayFiles(provider.origin, [user], { push: { enabled: false } });
    const account = { provider: '46elks', username: 'u1', password: 'p1', from: '+46700000000', webhookToken: 'k3y' };
    await writeFile(join(dir, 'elks.json'), JSON.stringify(account));
    const loaded = await loadGateway(await rewrite(file, 'elks.json'));
    const gateway = await startGateway(loaded, { port: 0 }, { connector: { origin: provider.origin, retry: false } });
    try {
      const sent = await fetch(`${gateway.url}/acrobits/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'pw-alice', to: '+46700000001', body: 'Hej' }),
      });
      expect(sent.status).toBe(200);
      const callback = new URLSearchParams(provider.requests[0]?.body ?? '').get('whendelivered') ?? '';
      const stored = await gateway.store.message('alice', 1);
      expect(callback).toBe(`http://127.0.0.1:8080/hooks/elks/status?key=k3y&sb=${stored?.uid ?? ''}`);
      const path = callback.replace('http://127.0.0.1:8080', '');
      const report = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'id=other-id&status=delivered&delivered=2026-01-01+10%3A21%3A00.000000',
      });
      expect(report.ok).toBe(true);
      expect((await gateway.store.message('alice', 1))?.status).toBe('delivered');
    } finally {
      await gateway.close();
    }
  });
});

/** The gateway file with every user's account replaced by `account`. */
async function rewrite(file: string, account: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const value = JSON.parse(await readFile(file, 'utf8')) as { users: { account: string }[] };
  for (const user of value.users) user.account = account;
  await writeFile(file, JSON.stringify(value));
  return file;
}
