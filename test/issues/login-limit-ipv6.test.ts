/**
 * Issue 16, last gaps, item 2: failed logins from IPv6 were limited per address, but one IPv6
 * client holds a whole /64, so each guess from a fresh address of it escaped the limit. Now an IPv6
 * client is counted by its /64, and an IPv4-mapped address (`::ffff:192.0.2.1`) as its IPv4
 * address. The gateway runs behind a trusted proxy (one hop), which hands it the client's address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';
import { addressKey } from '../../packages/gateway/src/app/address-key.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const ALICE = { login: 'alice', password: 'alice-real-password', numbers: ['+15550100001'] };
let provider: DemoServer;
let gateway: Gateway;
let guesses = 0;

beforeAll(async () => {
  provider = await startDemoServer();
  const { file } = await writeGatewayFiles(provider.origin, [ALICE], { push: { enabled: false } });
  gateway = await startGateway(
    await loadGateway(file),
    { port: 0 },
    { auth: { maxFailures: 3, windowMs: 600_000 }, trustProxy: 1 },
  );
}, 30_000);

afterAll(async () => {
  await gateway.close();
  await provider.close();
});

/** A wrong guess at a fresh login from `client` (as the proxy saw it); answers the status. */
async function guessFrom(client: string): Promise<number> {
  const response = await fetch(`${gateway.url}/acrobits/fetch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ username: `nobody-${++guesses}`, password: 'guess' }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('failed logins from IPv6', () => {
  it('are counted per /64: fresh addresses of one /64 are refused once it reached the limit', async () => {
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push(await guessFrom(`2001:db8:1:2:${i.toString(16)}::${i}`));
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(await guessFrom('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(429);
    // The next /64 is another client.
    expect(await guessFrom('2001:db8:1:3::1')).toBe(401);
  });

  it('count an IPv4-mapped address with its IPv4 address', async () => {
    const statuses = [];
    for (const client of ['192.0.2.10', '::ffff:192.0.2.10', '::ffff:c000:20a', '192.0.2.10'])
      statuses.push(await guessFrom(client));
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await guessFrom('192.0.2.11')).toBe(401);
  });

  it('keys addresses as the limit counts them', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  });
});
