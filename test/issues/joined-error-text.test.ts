/**
 * Issue 9, item 25: an error text could come from one field only, so an RFC 7807 problem showed
 * its detail without its title. `{"join": [...]}` joins the fields that are present.
 */
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

async function errorOf(body: unknown, separator?: string) {
  const join = { join: ['/title', '/detail'] as [string, string], ...(separator === undefined ? {} : { separator }) };
  const file = providerWith({ url: 'https://e.com/send', response: { error: [join, '/fallback'] } });
  const s = await server(() => ({
    status: 422,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  }));
  const sb = connect(file, {}, { origin: s.origin });
  const [result] = await sb.sendMessage({ to: '+15551231234', body: 'x' });
  await sb.close();
  return result?.error;
}

describe('an error text joined from two fields', () => {
  it('joins title and detail with ": "', async () => {
    expect(await errorOf({ title: 'Invalid params', detail: 'The from parameter is invalid.' })).toBe(
      'Invalid params: The from parameter is invalid.',
    );
  });

  it('uses the declared separator', async () => {
    expect(await errorOf({ title: 'Invalid params', detail: 'bad from' }, ' - ')).toBe('Invalid params - bad from');
  });

  it('shows a part alone when the other is missing or repeats it', async () => {
    expect(await errorOf({ title: 'Throttled' })).toBe('Throttled');
    expect(await errorOf({ title: 'Same', detail: 'Same' })).toBe('Same');
  });

  it('falls through to the next entry when no part is present', async () => {
    expect(await errorOf({ fallback: 'other words' })).toBe('other words');
  });
});

describe('joining after a full sentence', () => {
  it('puts a space, not ": ", after a part that ends in a full stop', async () => {
    expect(await errorOf({ title: 'You did not provide correct credentials.', detail: 'Check them.' })).toBe(
      'You did not provide correct credentials. Check them.',
    );
  });
});
