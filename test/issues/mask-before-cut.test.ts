/**
 * Issue 9, item 8: error text was cut to 100 characters before it was masked, so a secret
 * crossing the cut showed its first part in results (and so in the journal, the Redis ledger,
 * the bulk summary and `status`, which all keep the result's error). Mask first, cut after.
 */
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const SECRET = 'sk_live_0123456789abcdef';
const before = 'x'.repeat(90);

describe('mask first, cut after', () => {
  it('masks a secret that crosses the 100th character of a raw error body', async () => {
    const s = await server(() => ({
      status: 400,
      headers: { 'content-type': 'text/plain' },
      body: `${before}${SECRET} and more`,
    }));
    const sb = connect(
      providerWith({ url: 'https://api.example.com/send?to=%sms_to%&key=%account[password]%' }),
      { password: SECRET },
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result?.error).toBe(`${before}**** and m`);
    expect(result?.error).not.toContain('sk_live');
  });

  it("masks a secret that crosses the cut of a token endpoint's refusal", async () => {
    const s = await server(() => ({
      status: 401,
      headers: { 'content-type': 'text/plain' },
      body: `${before}${SECRET}`,
    }));
    const sb = connect(
      providerWith({
        url: 'https://api.example.com/send?to=%sms_to%',
        auth: {
          type: 'oauth2',
          tokenUrl: 'https://api.example.com/token',
          clientId: '%account[username]%',
          clientSecret: '%account[password]%',
        },
      }),
      { password: SECRET },
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result?.code).toBe('AUTH_FAILED');
    expect(result?.error).toContain(`${before}****`);
    expect(result?.error).not.toContain('sk_live');
  });

  it('masks a secret that crosses the cut of a data service\'s "it starts" excerpt', async () => {
    const s = await server(() => ({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: `${'y'.repeat(30)}${SECRET}`,
    }));
    const file = providerWith({ url: 'https://api.example.com/send?to=%sms_to%' });
    file.services.balanceCheck = { url: 'https://api.example.com/balance?key=%account[password]%' };
    const sb = connect(file, { password: SECRET }, { origin: s.origin });
    const result = await sb.checkBalance();
    await sb.close();
    expect(result.ok).toBe(false);
    expect(result.error).toContain(`${'y'.repeat(30)}****`);
    expect(result.error).not.toContain('sk_live');
  });

  it('masks the start of a secret left at the end of a body cut off by the size limit', async () => {
    const s = await server(() => ({
      status: 400,
      headers: { 'content-type': 'text/plain' },
      body: `${'z'.repeat(1014)}${SECRET}`,
    }));
    const sb = connect(
      providerWith({ url: 'https://api.example.com/send?to=%sms_to%&key=%account[password]%' }),
      { password: SECRET },
      {
        origin: s.origin,
        maxResponseBytes: 1024,
        includeResponse: true,
      },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result?.response?.truncated).toBe(true);
    expect(result?.response?.body).toBe(`${'z'.repeat(1014)}****`);
  });
});
