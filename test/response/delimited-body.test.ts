/**
 * `response.format: "delimited"`: a provider that answers one line of fields (`success | phone | id`,
 * Gupshup's Enterprise SMS API) is read by pointers /0, /1, … into its fields, trimmed, through the
 * same success, message id and error-code rules as JSON and XML answers.
 */
import { describe, expect, it } from 'vitest';
import type { ResponseRules } from '../../src/generated/provider.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

const rules: ResponseRules = {
  format: 'delimited',
  success: [{ pointer: '/0', equals: 'success' }],
  messageId: '/2',
  error: ['/3', '/2'],
  errorCodes: { pointer: '/1', codes: { '105': { text: 'Invalid phone number' } } },
};

/** Sends one message through a provider with `response` to a loopback server answering `body` as text. */
async function sendAnswered(body: string, response: ResponseRules = rules, status = 200) {
  const s = await server(() => ({ status, headers: { 'content-type': 'text/plain' }, body }));
  const sb = connect(
    providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%' }, response }),
    {},
    {
      origin: s.origin,
      retry: false,
    },
  );
  const [result] = await sb.sendMessage({ to: '+15551231234', body: 'Hi' });
  await sb.close();
  return result;
}

describe('a delimited response', () => {
  it('reads a success line by its trimmed fields, the message id included', async () => {
    const result = await sendAnswered('success | 15551231234 | 3562707498794989059-328736121207676738\n');
    expect(result).toMatchObject({ ok: true, messageId: '3562707498794989059-328736121207676738' });
  });

  it('fails a 200 whose first field is not the success word, with the code table and the provider words', async () => {
    const result = await sendAnswered('error | 105 | The phone number is not valid');
    expect(result).toMatchObject({
      ok: false,
      status: 200,
      providerCode: '105',
      error: 'Invalid phone number: The phone number is not valid',
    });
    expect(result?.messageId).toBeUndefined();
  });

  it('fails an empty 200 answer instead of reading an empty field as a value', async () => {
    const result = await sendAnswered('   \n');
    expect(result).toMatchObject({ ok: false, status: 200 });
  });

  it('splits at the separator the provider file names', async () => {
    const result = await sendAnswered('OK;42;queued', {
      format: 'delimited',
      separator: ';',
      success: [{ pointer: '/0', equals: 'OK' }],
      messageId: '/1',
    });
    expect(result).toMatchObject({ ok: true, messageId: '42' });
  });

  it('is never chosen by sniffing: the same line under format auto has no fields to read', async () => {
    const result = await sendAnswered('success | 15551231234 | 1', { ...rules, format: 'auto' });
    expect(result).toMatchObject({ ok: false });
  });
});
