/** Issue 9, item 22: a result after spent retries says so, and its durationMs covers every attempt. */
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

describe('a failure after the retries are spent', () => {
  it('says it gave up after 3 attempts, and is timed over all of them', async () => {
    const times: number[] = [];
    const s = await server(() => {
      times.push(performance.now());
      return { status: 503, body: 'Service busy' };
    });
    const retry = { attempts: 3, minDelayMs: 50, maxDelayMs: 50 };
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin, retry });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(s.requests).toHaveLength(3);
    expect(result).toMatchObject({ ok: false, status: 503, attempts: 3 });
    expect(result?.error).toMatch(/\(gave up after 3 attempts\)$/);
    // At least the time from the first request to the last one.
    expect(result?.durationMs).toBeGreaterThanOrEqual(Math.floor((times[2] ?? 0) - (times[0] ?? 0)));
  });

  it('leaves a failure without retries as it was', async () => {
    const s = await server(() => ({ status: 400, body: 'Bad number' }));
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result?.error).toBe('Bad number');
    expect(result?.attempts).toBeUndefined();
  });
});
