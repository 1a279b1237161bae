/**
 * Issue 16, item 14: `SendResult` is a union discriminated by `ok`. After `if (!result.ok)` the
 * compiler knows `error` is a string and `code` a ResultCode (this file does not compile, under
 * `npm run typecheck:test`, with the old single interface), and a failure always carries both.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ResultCode, SendFailure, SendResult, SendSuccess } from '../../src/index.js';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();
const service = {
  url: 'https://api.example.com/send',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%' },
  response: { messageId: '/id', error: ['/error'] },
};

/** What a caller writes: no `?? 'unknown'` for a failure's text or code. */
function line(result: SendResult): string {
  if (result.ok) return `${result.recipient} sent as ${result.messageId ?? '?'}`;
  const code: ResultCode = result.code;
  const error: string = result.error;
  return `${result.recipient} ${code}: ${error}`;
}

describe('SendResult', () => {
  it('narrows on ok to a success or a failure that carries its error and code', () => {
    expectTypeOf<Extract<SendResult, { ok: false }>>().toEqualTypeOf<SendFailure>();
    expectTypeOf<Extract<SendResult, { ok: true }>>().toEqualTypeOf<SendSuccess>();
    expectTypeOf<SendFailure['error']>().toEqualTypeOf<string>();
    expectTypeOf<SendFailure['code']>().toEqualTypeOf<ResultCode>();
    // Every field stays readable before narrowing.
    expectTypeOf<SendResult['error']>().toEqualTypeOf<string | undefined>();
  });

  it('gives a refused message its error and code, and an accepted one its id', async () => {
    const s = await server((req) =>
      req.body.includes('0002')
        ? { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"bad number"}' }
        : { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"m1"}' },
    );
    const sb = connect(providerWith(service), {}, { origin: s.origin, retry: false });
    const results = await sb.sendMessage({ to: ['+15551230001', '+15551230002'], body: 'hi' });
    await sb.close();
    expect(results.map(line)).toEqual(['+15551230001 sent as m1', '+15551230002 PROVIDER_ERROR: bad number']);
  });
});
