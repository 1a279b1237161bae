/** The general mechanisms provider files use: derived lookups, error-code tables, length rules. */
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

describe('catalogue mechanisms', () => {
  it('derives a parameter by lookup from the message encoding, and passes the message facts', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith(
      {
        url: 'https://e.com/send',
        body: { to: '%sms_to%', text: '%sms_body%', type: '%type%', parts: '%sms_parts%', length: '%sms_length%' },
      },
      { derived: { type: { from: '%sms_encoding%', map: { 'UCS-2': 'unicode' }, default: 'text' } } },
    );
    const sb = connect(file, {}, { origin: s.origin, concurrency: 1 });
    await sb.sendMessage({ to: '+15551231234', body: 'Plain text' });
    await sb.sendMessage({ to: '+15551231234', body: 'Ça coûte 5€ 😀' });
    await sb.close();
    expect(s.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)))).toEqual([
      { to: '+15551231234', text: 'Plain text', type: 'text', parts: '1', length: '10' },
      { to: '+15551231234', text: 'Ça coûte 5€ 😀', type: 'unicode', parts: '1', length: '14' },
    ]);
  });

  it('looks a derived value up among the map’s own entries only: a body of "constructor" or "__proto__" gets the default', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith(
      { url: 'https://e.com/send', body: { to: '%sms_to%', kind: '%kind%' } },
      { derived: { kind: { from: '%sms_body%', map: { hello: 'greeting' }, default: 'other' } } },
    );
    const sb = connect(file, {}, { origin: s.origin, concurrency: 1 });
    for (const body of ['hello', 'constructor', '__proto__', 'toString'])
      await sb.sendMessage({ to: '+15551231234', body });
    await sb.close();
    expect(s.requests.map((r) => new URLSearchParams(r.body).get('kind'))).toEqual([
      'greeting',
      'other',
      'other',
      'other',
    ]);
  });

  it('makes the status callback URL for a service that reads it only through a derived parameter', async () => {
    // Regression: the URL (and the message id in it) was made only when a service template named
    // %status_callback_url% itself, so a derived value computed from it was always the empty case.
    const s = await server(() => ({ status: 200 }));
    const file = providerWith(
      { url: 'https://e.com/send?to=%sms_to%&report=%report_url%', method: 'GET' },
      { derived: { report_url: { from: '%status_callback_url%', map: { '': 'none' } } } },
    );
    const sb = connect(file, {}, { origin: s.origin, statusCallback: 'https://gw.example.com/status' });
    await sb.sendMessage({ to: '+15551231234', body: 'x', messageId: 'm-1' });
    await sb.close();
    const report = new URL(s.requests[0]?.url ?? '', 'http://x').searchParams.get('report');
    expect(report).toBe('https://gw.example.com/status?sb=m-1');
  });

  it('doubles every % with %doublePercent(…)%, so a gateway that expands %-escapes in a URL gives ours back unchanged', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith(
      { url: 'https://e.com/send?to=%sms_to%&dlr=%dlr%', method: 'GET' },
      {
        derived: {
          dlr: { from: '%doublePercent(%status_callback_url%)%&type=%d', map: { '&type=%d': '' } },
        },
      },
    );
    const sb = connect(file, {}, { origin: s.origin, statusCallback: 'https://gw.example.com/status?key=a%2Bb' });
    await sb.sendMessage({ to: '+15551231234', body: 'x', messageId: 'msg 42/ä' });
    await sb.close();
    const dlr = new URL(s.requests[0]?.url ?? '', 'http://x').searchParams.get('dlr');
    expect(dlr).toBe('https://gw.example.com/status?key=a%%2Bb&sb=msg%%2042%%2F%%C3%%A4&type=%d');
    // The gateway's own expansion (%% is %, %d the report type) gives our URL back exactly.
    const expanded = (dlr ?? '').replace(/%(.)/g, (_, c: string) => (c === '%' ? '%' : c === 'd' ? '1' : `%${c}`));
    const called = new URL(expanded);
    expect([called.searchParams.get('key'), called.searchParams.get('sb'), called.searchParams.get('type')]).toEqual([
      'a+b',
      'msg 42/ä',
      '1',
    ]);
  });

  it('leaves a derived value empty, by its map, when there is no status callback', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith(
      { url: 'https://e.com/send?to=%sms_to%&dlr=%dlr%', method: 'GET' },
      { derived: { dlr: { from: '%doublePercent(%status_callback_url%)%&type=%d', map: { '&type=%d': '' } } } },
    );
    const sb = connect(file, {}, { origin: s.origin });
    await sb.sendMessage({ to: '+15551231234', body: 'x' });
    await sb.close();
    expect(new URL(s.requests[0]?.url ?? '', 'http://x').searchParams.get('dlr')).toBe('');
  });

  it('renders the derived value a lookup chooses: the text for GSM-7, its UTF-16BE hex for UCS-2, each field left out when empty', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith(
      {
        url: 'https://e.com/send',
        body: { to: '%sms_to%', content: '%text%', 'hex-content': '%hex%' },
        omitEmpty: ['/content', '/hex-content'],
      },
      {
        derived: {
          text: { from: '%sms_encoding%', map: { 'UCS-2': '' }, default: '%sms_body%' },
          hex: { from: '%sms_encoding%', map: { 'UCS-2': '%utf16beHex(%sms_body%)%' }, default: '' },
        },
      },
    );
    const sb = connect(file, {}, { origin: s.origin, concurrency: 1 });
    await sb.sendMessage({ to: '+15551231234', body: 'a & b = 100%' });
    await sb.sendMessage({ to: '+15551231234', body: 'أرنب 😀' });
    await sb.close();
    expect(s.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)))).toEqual([
      { to: '+15551231234', content: 'a & b = 100%' },
      // The documented UTF-16BE of "أرنب" (Jasmin's example), a space, and the emoji as a surrogate pair.
      { to: '+15551231234', 'hex-content': '06230631064606280020d83dde00' },
    ]);
  });

  it('picks the message id out of a text answer, or out of a JSON field, with messageIdPattern', async () => {
    const answers = [
      { status: 200, headers: { 'content-type': 'text/plain' }, body: 'Success "07033084-5cfd"' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":"Success \\"c723d42a\\""}' },
      { status: 200, headers: { 'content-type': 'text/plain' }, body: 'Queued' },
    ];
    const s = await server(() => answers.shift() ?? { status: 500 });
    const text = providerWith({
      url: 'https://e.com/send',
      body: { to: '%sms_to%' },
      response: { messageIdPattern: '^Success "([^"]+)"$' },
    });
    const json = providerWith({
      url: 'https://e.com/send',
      body: { to: '%sms_to%' },
      response: { messageId: '/data', messageIdPattern: '^Success "([^"]+)"$' },
    });
    const ids = [];
    for (const file of [text, json, text]) {
      const sb = connect(file, {}, { origin: s.origin });
      const [result] = await sb.sendMessage({ to: '+15551231234', body: 'x' });
      await sb.close();
      ids.push([result?.ok, result?.messageId]);
    }
    // Without a match the send still succeeded; it just has no id.
    expect(ids).toEqual([
      [true, '07033084-5cfd'],
      [true, 'c723d42a'],
      [true, undefined],
    ]);
  });

  it('refuses at load a messageIdPattern without a capture group', () => {
    const file = providerWith({
      url: 'https://e.com/send',
      body: { to: '%sms_to%' },
      response: { messageIdPattern: '^Success' },
    });
    expect(() => connect(file)).toThrow(/messageIdPattern: needs a capture group/);
  });

  it('lets a sender parameter be a name (allowNonPhone on the parameter) while recipients stay phone numbers', async () => {
    const s = await server(() => ({ status: 200 }));
    const file = providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%', from: '%account[from]%' } });
    file.parameters = { ...file.parameters, from: { description: 'sender', phoneNumber: true, allowNonPhone: true } };
    const sb = connect(file, { from: 'Acme' }, { origin: s.origin });
    const results = await sb.sendMessage({ to: ['+1 555 123 1234', 'Acme'], body: 'x' });
    await sb.close();
    expect(results.map((r) => [r.ok, r.code])).toEqual([
      [true, undefined],
      [false, 'NUMBER_INVALID'],
    ]);
    expect(s.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)))).toEqual([
      { to: '+15551231234', from: 'Acme' },
    ]);
    // Without it, the same name fails at load, with where and what.
    const strict = providerWith({ url: 'https://e.com/send', body: { to: '%sms_to%', from: '%account[from]%' } });
    expect(() => connect(strict, { from: 'Acme' })).toThrow(/"Acme" is not a valid phone number/);
  });

  it('refuses a derived name that is already an engine parameter', () => {
    expect(() =>
      connect(
        providerWith({ url: 'https://e.com/?t=%sms_to%' }, { derived: { sms_body: { from: '%sms_to%', map: {} } } }),
      ),
    ).toThrow(/%sms_body% is already a parameter of the engine/);
  });

  it('reads the provider’s error code: short text, the provider’s words, retryable from the table', async () => {
    const bodies = [
      {
        'message-count': '1',
        messages: [{ status: '1', 'error-text': 'Throughput Rate Exceeded - please wait [ 30 ] and retry' }],
      },
      { 'message-count': '1', messages: [{ status: '3', 'error-text': 'Invalid Message' }] },
      { 'message-count': '1', messages: [{ status: '99', 'error-text': 'Something new' }] },
    ];
    let i = 0;
    const s = await server(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(bodies[i++]),
    }));
    const file = providerWith({
      url: 'https://e.com/sms/json?to=%sms_to%',
      response: {
        success: [{ pointer: '/messages/0/status', equals: '0' }],
        error: ['/messages/0/error-text'],
        errorCodes: {
          pointer: '/messages/0/status',
          codes: { '1': { text: 'Throttled', retryable: true }, '3': { text: 'Invalid parameters' } },
        },
      },
    });
    const sb = connect(file, {}, { origin: s.origin, concurrency: 1, retry: false });
    const results = await sb.sendMessage({ to: ['+15551230001', '+15551230002', '+15551230003'], body: 'x' });
    await sb.close();
    expect(results.map((r) => [r.ok, r.providerCode, r.error, r.retryable])).toEqual([
      [false, '1', 'Throttled: Throughput Rate Exceeded - please wait [ 30 ] and retry', true],
      [false, '3', 'Invalid parameters: Invalid Message', false],
      [false, '99', 'Something new', false],
    ]);
  });

  it('splits a long message into parts sent in order, and keeps every part’s id', async () => {
    let n = 0;
    const s = await server(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: `part-${++n}` }),
    }));
    const file = providerWith(
      { url: 'https://e.com/send', body: { to: '%sms_to%', text: '%sms_body%' }, response: { messageId: '/id' } },
      { messageLength: { max: 160, overflow: 'split' } },
    );
    const sb = connect(file, {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551231234', body: 'a'.repeat(160) + 'b'.repeat(10) });
    await sb.close();
    expect(s.requests.map((r) => new URLSearchParams(r.body).get('text'))).toEqual(['a'.repeat(160), 'b'.repeat(10)]);
    expect(result).toMatchObject({ ok: true, messageId: 'part-1', partMessageIds: ['part-1', 'part-2'] });
  });

  it('refuses a message over the limit without sending anything', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(
      providerWith(
        { url: 'https://e.com/?to=%sms_to%&t=%sms_body%' },
        { messageLength: { max: 5, overflow: 'refuse' } },
      ),
      {},
      { origin: s.origin },
    );
    const results = await sb.sendMessage({ to: ['+15551230001', '+15551230002'], body: 'too long' });
    await sb.close();
    expect(results.map((r) => [r.recipient, r.code, r.error])).toEqual([
      ['+15551230001', 'MESSAGE_TOO_LONG', 'the message is 8 characters long (GSM-7); the provider takes at most 5'],
      ['+15551230002', 'MESSAGE_TOO_LONG', 'the message is 8 characters long (GSM-7); the provider takes at most 5'],
    ]);
    expect(s.requests).toHaveLength(0);
  });
});

describe('optional fields', () => {
  it('leaves out structured fields that render empty when the service says omitEmpty', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/send',
        contentType: 'application/json',
        omitEmpty: true,
        body: { to: '%sms_to%', from: '%account[from]%', text: '%sms_body%', flag: false },
      }),
      {},
      { origin: s.origin },
    );
    await sb.sendMessage({ to: '+15551231234', body: 'x' });
    await sb.close();
    expect(JSON.parse(s.requests[0]?.body ?? '')).toEqual({ to: '+15551231234', text: 'x', flag: false });
  });
});

describe('message ids', () => {
  it('gives %message_id% the caller’s stable id, or a fresh one per recipient', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/send',
        headers: { 'Idempotency-Key': '%message_id%' },
        body: { to: '%sms_to%' },
      }),
      {},
      { origin: s.origin, concurrency: 1 },
    );
    await sb.sendMessage({ to: '+15551230001', body: 'x', messageId: 'journal-7' });
    await sb.sendMessage({ to: ['+15551230002', '+15551230003'], body: 'x', messageId: 'batch-1' });
    await sb.sendMessage({ to: '+15551230004', body: 'x' });
    await sb.close();
    const keys = s.requests.map((r) => String(r.headers['idempotency-key']));
    expect(keys.slice(0, 3)).toEqual(['journal-7', 'batch-1:0', 'batch-1:1']);
    expect(keys[3]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('split messages that fail half-way', () => {
  it('marks a failure after the first part final, so nothing repeats the parts already sent', async () => {
    let n = 0;
    const s = await server(() =>
      ++n === 1
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"p1"}' }
        : { status: 503 },
    );
    const sb = connect(
      providerWith(
        { url: 'https://e.com/send', body: { to: '%sms_to%', text: '%sms_body%' }, response: { messageId: '/id' } },
        { messageLength: { max: 160, overflow: 'split' } },
      ),
      {},
      { origin: s.origin, retry: false },
    );
    const [result] = await sb.sendMessage({ to: '+15551231234', body: 'a'.repeat(170) });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      partMessageIds: ['p1'],
      error: 'part 2 of 2 failed after the first was sent: HTTP 503 Service Unavailable',
    });
  });
});
