/**
 * Issue 9, item 25: error codes were read only from the body. Esendex's code is the HTTP status
 * (402: not enough credits), so `errorCodes.statuses` gives statuses a meaning too.
 */
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

function provider() {
  return providerWith({
    url: 'https://e.com/send',
    body: { to: '%sms_to%' },
    response: {
      errorCodes: {
        pointer: '/code',
        codes: { '7': { text: 'Invalid recipient', retryable: false } },
        statuses: {
          '402': { text: 'Not enough message credits', retryable: false },
          '503': { text: 'Maintenance', retryable: false },
        },
      },
    },
  });
}

async function send(answer: { status: number; headers?: Record<string, string>; body?: string }) {
  const s = await server(() => answer);
  const sb = connect(provider(), {}, { origin: s.origin });
  const [result] = await sb.sendMessage({ to: '+15551231234', body: 'x' });
  await sb.close();
  return result;
}

describe('error codes from the HTTP status', () => {
  it('names a listed status when the body says nothing', async () => {
    expect(await send({ status: 402 })).toMatchObject({
      ok: false,
      status: 402,
      error: 'Not enough message credits',
      retryable: false,
    });
  });

  it('puts the provider’s own words after the status’s meaning', async () => {
    const result = await send({ status: 402, headers: { 'content-type': 'text/plain' }, body: 'Out of credit' });
    expect(result).toMatchObject({ error: 'Not enough message credits: Out of credit', retryable: false });
  });

  it('lets a listed status decide retryable, even for 503', async () => {
    expect(await send({ status: 503 })).toMatchObject({ error: 'Maintenance', retryable: false });
  });

  it('prefers a listed code in the body to the status', async () => {
    const body = JSON.stringify({ code: 7, message: 'bad to' });
    const result = await send({ status: 402, headers: { 'content-type': 'application/json' }, body });
    expect(result).toMatchObject({ error: 'Invalid recipient: bad to', providerCode: '7' });
  });

  it('leaves an unlisted status as it was', async () => {
    expect(await send({ status: 418 })).toMatchObject({ error: "HTTP 418 I'm a Teapot", retryable: false });
  });

  it('gives no meaning to a 2xx answer whose success rule failed', async () => {
    const file = providerWith({
      url: 'https://e.com/send',
      response: {
        success: [{ pointer: '/ok', equals: true }],
        errorCodes: { statuses: { '200': { text: 'never shown' } } },
      },
    });
    const s = await server(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":false}',
    }));
    const sb = connect(file, {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551231234', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_REJECTED', error: '{"ok":false}' });
  });
});
