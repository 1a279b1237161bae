/**
 * Issue 9, item 25: success rules had `equals` and `in` but no "not in", for APIs that list the
 * statuses of a refused message and accept every other one (Kavenegar's entries[].status).
 */
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

async function statusOf(body: unknown) {
  const file = providerWith({
    url: 'https://e.com/send',
    response: { success: [{ pointer: '/entries/0/status', notIn: [6, 11, 13, 14] }], error: ['/entries/0/statustext'] },
  });
  const s = await server(() => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }));
  const sb = connect(file, {}, { origin: s.origin });
  const [result] = await sb.sendMessage({ to: '+15551231234', body: 'x' });
  await sb.close();
  return result;
}

describe('a "not in" success condition', () => {
  it('holds for a value outside the list', async () => {
    expect(await statusOf({ entries: [{ status: 5 }] })).toMatchObject({ ok: true });
  });

  it('fails for a listed value, comparing as text', async () => {
    expect(await statusOf({ entries: [{ status: 14, statustext: 'blocked' }] })).toMatchObject({
      ok: false,
      code: 'PROVIDER_REJECTED',
      error: 'blocked',
    });
    expect(await statusOf({ entries: [{ status: '6' }] })).toMatchObject({ ok: false });
  });

  it('fails when the value is missing, so an empty answer is not taken for a success', async () => {
    expect(await statusOf({ entries: [] })).toMatchObject({ ok: false, code: 'PROVIDER_REJECTED' });
  });
});
