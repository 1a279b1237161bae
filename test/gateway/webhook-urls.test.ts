/**
 * How provider accounts are named in webhook URLs, and what `gateway webhooks` says about an
 * account whose webhooks cannot be served (it lacks a value that verifying needs): the gateway
 * leaves it out (404), never accepting it unauthenticated.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway } from '../../packages/gateway/src/server.js';
import { slugOf, webhookAccounts } from '../../packages/gateway/src/webhooks/accounts.js';
import { run } from '../helpers/cli.js';
import { writeTwilioGateway } from '../helpers/gateway.js';

const USER = { login: 'alice', password: 'urls-password', numbers: ['+15550100001'] };

describe('webhook URLs', () => {
  it('name an account by a URL-safe slug of its file as the gateway file writes it', () => {
    expect(slugOf('accounts/Twilio EU.json')).toBe('accounts-twilio-eu');
    expect(slugOf('./twilio.xml')).toBe('twilio');
    expect(slugOf('...')).toBe('account');
  });

  it('give two accounts whose slugs clash distinct, stable names', async () => {
    const { dir, file } = await writeTwilioGateway([USER], 'https://sms.example.test');
    const gateway = JSON.parse(await readFile(file, 'utf8')) as {
      users: Record<string, unknown>[];
    };
    await mkdir(join(dir, 'a'));
    await writeFile(join(dir, 'a', 'twilio.json'), await readFile(join(dir, 'twilio.json')));
    const second = { ...gateway.users[0], login: 'bob', numbers: ['+15550100002'], account: 'a_twilio.json' };
    await writeFile(join(dir, 'a_twilio.json'), await readFile(join(dir, 'twilio.json')));
    const third = { ...gateway.users[0], login: 'carol', numbers: ['+15550100003'], account: 'a/twilio.json' };
    await writeFile(file, JSON.stringify({ ...gateway, users: [...gateway.users, second, third] }));
    const ids = webhookAccounts(await loadGateway(file)).map((a) => [a.label, a.id]);
    expect(ids[0]).toEqual(['twilio.json', 'twilio']);
    expect(ids[1]).toEqual(['a_twilio.json', 'a-twilio']);
    expect(ids[2]?.[0]).toBe('a/twilio.json');
    expect(ids[2]?.[1]).toMatch(/^a-twilio-[0-9a-f]{8}$/);
    expect(webhookAccounts(await loadGateway(file))[2]?.id).toBe(ids[2]?.[1]);
  });

  it('say NOT SERVED for an account that lacks what verifying needs, and the gateway answers it 404', async () => {
    const { dir, file } = await writeTwilioGateway([USER], 'https://sms.example.test');
    await writeFile(
      join(dir, 'telnyx.json'),
      JSON.stringify({ provider: 'telnyx', password: 'KEY', from: '+15550100002' }),
    );
    const value = JSON.parse(await readFile(file, 'utf8')) as {
      users: Record<string, unknown>[];
    };
    const bob = { ...value.users[0], login: 'bob', numbers: ['+15550100002'], account: 'telnyx.json' };
    await writeFile(file, JSON.stringify({ ...value, users: [...value.users, bob] }));
    const text = await run('gateway', 'webhooks', '--config', file);
    expect(text.code).toBe(0);
    expect(text.out).toContain('https://sms.example.test/hooks/telnyx/events');
    expect(text.out).toContain('NOT SERVED: the account has no value for %account[webhookPublicKey]%');
    const json = JSON.parse((await run('gateway', 'webhooks', '--config', file, '--json')).out) as {
      id: string;
      notServed?: string[];
    }[];
    expect(json.filter((r) => r.notServed !== undefined).map((r) => r.id)).toEqual(['telnyx']);
    const gateway = await startGateway(await loadGateway(file), { port: 0 });
    try {
      const answer = await fetch(`${gateway.url}/hooks/telnyx/events`, { method: 'POST', body: '{}' });
      expect(answer.status).toBe(404);
      const twilio = await fetch(`${gateway.url}/hooks/twilio/inbound`, { method: 'POST', body: 'a=b' });
      expect([401, 403]).toContain(twilio.status);
    } finally {
      await gateway.close();
    }
  });
});
