/**
 * Issue 9, item 7: a provider's `success[].matches` was matched by JavaScript's backtracking
 * engine, so `^(a+)+$` against 27 `a`s and `!` took seconds. Patterns are now matched by RE2
 * (re2js) in linear time, and what RE2 cannot match that way is refused at load, located.
 */
import { describe, expect, it } from 'vitest';
import { providerFromValue } from '../../src/config/load-provider.js';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';
import type { ServiceSpec } from '../../src/generated/provider.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

const matching = (matches: string): ServiceSpec => ({
  url: 'https://e.com/send?to=%sms_to%',
  response: { success: [{ pointer: '/status', matches }] },
});

function loadIssues(matches: string): ConfigIssue[] {
  try {
    providerFromValue(providerWith(matching(matches)), 'providers/test.json');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('regular expressions in provider files', () => {
  it('matches a catastrophic pattern against a hostile value in linear time', async () => {
    const values = ['a'.repeat(27) + '!', 'a'.repeat(200_000) + '!'];
    const s = await server((req) => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: values[Number(new URL(req.url, 'http://x').searchParams.get('to')?.slice(-1))] }),
    }));
    const sb = connect(providerWith(matching('^(a+)+$')), {}, { origin: s.origin, retry: false });
    for (const to of ['+15551230000', '+15551230001']) {
      const started = performance.now();
      const [result] = await sb.sendMessage({ to, body: 'x' });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(result).toMatchObject({ ok: false, code: 'PROVIDER_REJECTED' });
    }
    await sb.close();
  });

  it('still judges ordinary patterns as JavaScript would', async () => {
    const s = await server(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"status":"Queued-7"}',
    }));
    const sb = connect(providerWith(matching('^(queued|sent)-\\d+$|^Queued-\\d$')), {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: true });
  });

  it.each([
    ['a lookahead', '^(?=a)a+$', 'lookahead, lookbehind and backreferences are not available'],
    ['a lookbehind', '(?<!x)a', 'lookahead, lookbehind and backreferences are not available'],
    ['a backreference', '^(a+)\\1$', 'lookahead, lookbehind and backreferences are not available'],
    ['a pattern that compiles to a huge program', '[ab]{1000}[ab]{1000}[ab]{1000}', 'is too large'],
  ])('refuses %s at load with a located ConfigError', (_what, pattern, message) => {
    expect(loadIssues(pattern)).toEqual([
      expect.objectContaining({
        file: 'providers/test.json',
        pointer: '/services/sendMessage/response/success/0/matches',
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it('loads a catastrophic-looking pattern, since RE2 matches it in linear time', () => {
    expect(loadIssues('^(a+)+$')).toEqual([]);
  });
});
