/**
 * Sending against real HTTP servers on 127.0.0.1: every response a provider or the network can
 * produce ends in a structured result, never a throw, and nothing is silently dropped.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';

const server = useServers();

const jsonService = {
  url: 'https://api.example.com/v1/send?user=%account[username]%',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%', from: '%account[from]%' },
  auth: { type: 'basic' as const, username: '%account[username]%', password: '%account[password]%' },
  response: { messageId: '/id', error: ['/error/detail'] },
};

describe('sending', () => {
  it('sends one request per recipient and returns one result each, in order', async () => {
    const s = await server((req) => ({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: `m-${JSON.parse(req.body).to}` }),
    }));
    const sb = connect(providerWith(jsonService), { from: '+15550001111' }, { origin: s.origin, concurrency: 2 });
    const results = await sb.sendMessage({
      to: ['+15551230001', '+15551230002', '+15551230003'],
      body: 'Hi & "bye"\n😀',
    });
    await sb.close();
    expect(results.map((r) => [r.ok, r.recipient, r.status, r.messageId])).toEqual([
      [true, '+15551230001', 201, 'm-+15551230001'],
      [true, '+15551230002', 201, 'm-+15551230002'],
      [true, '+15551230003', 201, 'm-+15551230003'],
    ]);
    expect(s.requests).toHaveLength(3);
    const first = s.requests.find((r) => r.body.includes('0001'));
    expect(first?.url).toBe('/v1/send?user=johndow');
    expect(first?.headers.authorization).toBe(`Basic ${Buffer.from('johndow:s3cr&t pass').toString('base64')}`);
    expect(first?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first?.body ?? '')).toEqual({ to: '+15551230001', text: 'Hi & "bye"\n😀', from: '+15550001111' });
  });

  it('fails an invalid number with a clear error and still sends the others', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith(jsonService), {}, { origin: s.origin });
    const results = await sb.sendMessage({ to: ['+15551230001', 'not a number', '+15551230002'], body: 'x' });
    await sb.close();
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({
      code: 'NUMBER_INVALID',
      status: 0,
      retryable: false,
      ambiguous: false,
      error: expect.stringContaining('"not a number" is not a valid phone number'),
    });
    expect(s.requests).toHaveLength(2);
  });

  it('reads the error text from the provider pointer, then `message`, then the first 100 characters', async () => {
    const bodies = [
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: '{"error": {"detail": "Bad sender"}, "message": "generic"}',
      },
      {
        status: 402,
        headers: { 'content-type': 'text/xml' },
        body: '<response><message>Not enough credit</message></response>',
      },
      {
        status: 406,
        headers: { 'content-type': 'application/json' },
        body: '{\n    "message"        : "Invalid recipient"\n}',
      },
      { status: 500, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(150) },
    ];
    let i = 0;
    const s = await server(() => bodies[i++] ?? { status: 500 });
    const sb = connect(providerWith({ ...jsonService }), {}, { origin: s.origin, concurrency: 1 });
    const results = await sb.sendMessage({
      to: ['+15551230001', '+15551230002', '+15551230003', '+15551230004'],
      body: 'x',
    });
    await sb.close();
    expect(results.map((r) => r.error)).toEqual([
      'Bad sender',
      'Not enough credit',
      'Invalid recipient',
      'x'.repeat(100),
    ]);
    expect(results.map((r) => r.code)).toEqual([
      'PROVIDER_ERROR',
      'PROVIDER_ERROR',
      'PROVIDER_ERROR',
      'PROVIDER_ERROR',
    ]);
  });

  it('judges a 200 by the provider’s success rules on an XML body', async () => {
    const s = await server(() => ({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?>\n<!DOCTYPE response [\n<!ELEMENT response (result)>\n]>\n<response><result>error</result><result_description>Invalid Access Key</result_description></response>',
    }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/?to=%sms_to%',
        response: {
          success: [{ pointer: '/response/result', equals: 'success' }],
          error: ['/response/result_description'],
        },
      }),
      {},
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      status: 200,
      code: 'PROVIDER_REJECTED',
      error: 'Invalid Access Key',
      retryable: false,
    });
  });

  it('marks 408, 429, 502, 503, 504 and declared statuses retryable, 502 and 504 ambiguous, others final', async () => {
    const statuses = [408, 429, 502, 503, 504, 500, 400, 409];
    let i = 0;
    const s = await server(() => ({ status: statuses[i++] ?? 200 }));
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%', response: { retryableStatus: [409] } }),
      {},
      { origin: s.origin, concurrency: 1, retry: false },
    );
    const results = await sb.sendMessage({ to: statuses.map((_, n) => `+1555123000${n}`), body: 'x' });
    await sb.close();
    expect(results.map((r) => [r.status, r.retryable, r.ambiguous])).toEqual([
      [408, true, false],
      [429, true, false],
      [502, true, true],
      [503, true, false],
      [504, true, true],
      [500, false, false],
      [400, false, false],
      [409, true, false],
    ]);
    expect(results[1]?.error).toBe('HTTP 429 Too Many Requests');
  });

  it('shows the start of an HTML error page, without parsing it', async () => {
    const s = await server(() => ({
      status: 503,
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Down</h1></body></html>',
    }));
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%', response: { success: [{ pointer: '/ok', equals: true }] } }),
      {},
      { origin: s.origin, retry: false },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      status: 503,
      retryable: true,
      error: expect.stringMatching(/^<!DOCTYPE html><html><head><title>503 Service Unavailable/),
    });
  });

  it('fails a 2xx with an empty body when the success rules need a body, and says why', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%', response: { success: [{ pointer: '/status', equals: '0' }] } }),
      {},
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      code: 'PROVIDER_REJECTED',
      error: 'the response has no JSON or XML body to check',
    });
  });

  it('reads an empty error body as the HTTP status', async () => {
    const s = await server(() => ({ status: 401 }));
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, status: 401, error: 'HTTP 401 Unauthorized', retryable: false });
  });

  it('caps a huge body instead of reading it all', async () => {
    const s = await server(() => ({
      status: 500,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.alloc(5 * 1024 * 1024, 'y'),
    }));
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%' }),
      {},
      { origin: s.origin, maxResponseBytes: 64 * 1024, includeResponse: true },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, status: 500, error: 'y'.repeat(100) });
    expect(result?.response?.truncated).toBe(true);
    expect(result?.response?.body.length).toBe(64 * 1024);
  });

  it('decodes the body by its declared charset, and survives a wrong one', async () => {
    const bodies = [
      {
        status: 400,
        headers: { 'content-type': 'application/json; charset=iso-8859-1' },
        body: Buffer.from('{"message":"Num\xe9ro invalide"}', 'latin1'),
      },
      {
        status: 400,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: Buffer.from('{"message":"Num\xe9ro"}', 'latin1'),
      },
      {
        status: 400,
        headers: { 'content-type': 'application/json; charset=klingon' },
        body: Buffer.from('{"message":"ok"}'),
      },
    ];
    let i = 0;
    const s = await server(() => bodies[i++] ?? { status: 500 });
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin, concurrency: 1 });
    const results = await sb.sendMessage({ to: ['+15551230001', '+15551230002', '+15551230003'], body: 'x' });
    await sb.close();
    expect(results.map((r) => r.error)).toEqual(['Numéro invalide', 'Num\uFFFDro', 'ok']);
  });

  it('turns a refused connection into a definite, retryable result', async () => {
    const port = await closedPort();
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%' }),
      {},
      { origin: `http://127.0.0.1:${port}`, retry: false },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      status: 0,
      code: 'NETWORK_REFUSED',
      retryable: true,
      ambiguous: false,
      error: expect.stringContaining('connection refused by 127.0.0.1'),
    });
  });

  it('reports a connection reset mid-response as ambiguous', async () => {
    const s = await server(() => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"id": "abc"');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      status: 0,
      code: 'NETWORK_RESET',
      ambiguous: true,
      error: expect.stringContaining('may have received the message'),
    });
  });

  it('reports a response slower than the timeout as ambiguous', async () => {
    // The server never answers, so only the timeout can end the send: no upper bound on its
    // duration is needed (one failed on a loaded machine), and none would prove more.
    const s = await server(() => () => undefined);
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%', timeout: 200 }), {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, code: 'TIMEOUT_RESPONSE', ambiguous: true, retryable: true });
    expect(result?.durationMs).toBeGreaterThanOrEqual(200);
  });

  it('refuses a CR or LF reaching a header from a value, and sends nothing', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%', headers: { 'X-Note': '%sms_body%' } }),
      {},
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'hi\r\nX-Evil: 1' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      code: 'RENDER_FAILED',
      error: expect.stringContaining('control character U+000D'),
    });
    expect(s.requests).toHaveLength(0);
  });

  it('refuses a value that would break a bare JSON position, and sends nothing', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/',
        contentType: 'application/json',
        postData: '{"to": "%sms_to%", "n": %sms_body%}',
      }),
      {},
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: '1}' });
    await sb.close();
    expect(result).toMatchObject({
      ok: false,
      code: 'RENDER_FAILED',
      error: expect.stringContaining('must be a number, true, false or null'),
    });
    expect(s.requests).toHaveLength(0);
  });

  it('reports a send after close() as definite: nothing went out, so a journal may send it again', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin, retry: false });
    await sb.close();
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    expect(result).toMatchObject({
      ok: false,
      status: 0,
      retryable: true,
      ambiguous: false,
      error: expect.stringMatching(/^connection (closed|destroyed) by 127\.0\.0\.1:\d+ \(not sent\)$/),
    });
    expect(s.requests).toHaveLength(0);
  });

  it('leaves a Basic challenge unanswered when the user name holds a ":", returning the 401 instead of throwing', async () => {
    const s = await server(() => ({
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="sms"' },
      body: 'who are you',
    }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/send?to=%sms_to%',
        auth: { type: 'digest', username: '%account[username]%', password: '%account[password]%' },
      }),
      { username: 'a:b' },
      { origin: s.origin, retry: false },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result).toMatchObject({ ok: false, status: 401, error: 'who are you' });
    expect(s.requests).toHaveLength(1);
  });

  it('answers a Digest challenge', async () => {
    const s = await server((req) => {
      const auth = String(req.headers.authorization ?? '');
      if (!auth.startsWith('Digest '))
        return {
          status: 401,
          headers: { 'www-authenticate': 'Digest realm="sms", qop="auth", nonce="abc123", opaque="xyz"' },
        };
      return { status: 200 };
    });
    const sb = connect(
      providerWith({
        url: 'https://e.com/send?to=%sms_to%',
        auth: { type: 'digest', username: '%account[username]%', password: '%account[password]%' },
      }),
      {},
      { origin: s.origin },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result?.ok).toBe(true);
    const header = String(s.requests[1]?.headers.authorization);
    const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(header)?.[1];
    const { createHash } = await import('node:crypto');
    const md5 = (t: string) => createHash('md5').update(t).digest('hex');
    const ha1 = md5('johndow:sms:s3cr&t pass');
    const ha2 = md5('GET:/send?to=%2B15551230001');
    expect(field('uri')).toBe('/send?to=%2B15551230001');
    expect(field('response')).toBe(md5(`${ha1}:abc123:${field('nc')}:${field('cnonce')}:auth:${ha2}`));
    expect(field('opaque')).toBe('xyz');
  });

  it('sends a bearer token and header templates', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(
      providerWith({
        url: 'https://e.com/?to=%sms_to%',
        headers: { 'X-Account': '%account[username]%' },
        auth: { type: 'bearer', token: '%account[password]%' },
      }),
      {},
      { origin: s.origin },
    );
    await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(s.requests[0]?.headers).toMatchObject({ authorization: 'Bearer s3cr&t pass', 'x-account': 'johndow' });
  });

  it('never shows a secret in an error, even when the provider echoes it', async () => {
    const s = await server(() => ({
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Wrong password s3cr&t pass for johndow' }),
    }));
    const sb = connect(
      providerWith({ url: 'https://e.com/?to=%sms_to%&p=%account[password]%' }),
      {},
      { origin: s.origin, includeResponse: true },
    );
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x' });
    await sb.close();
    expect(result?.error).toBe('Wrong password **** for johndow');
    expect(JSON.stringify(result)).not.toContain('s3cr&t');
    expect(s.requests[0]?.url).toContain('p=s3cr%26t%20pass');
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await server(() => (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 20);
    });
    const sb = connect(providerWith({ url: 'https://e.com/?to=%sms_to%' }), {}, { origin: s.origin, concurrency: 3 });
    const results = await sb.sendMessage({
      to: Array.from({ length: 12 }, (_, n) => `+1555123${String(n).padStart(4, '0')}`),
      body: 'x',
    });
    await sb.close();
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(3);
  });

  it('keeps a masked structured form body encoded, so it still shows the real field breaks', () => {
    const sb = connect(
      providerWith({
        url: 'https://e.com/',
        body: { To: '%sms_to%', Body: '%sms_body%', Key: 'k-%account[password]%' },
      }),
    );
    const masked = sb.render('sendMessage', { sms_to: '+15551230001', sms_body: 'Tom & Jerry: 50% off' });
    expect(masked.body).toBe('To=%2B15551230001&Body=Tom%20%26%20Jerry%3A%2050%25%20off&Key=k-****');
  });

  it('renders the exact request, masked unless asked', () => {
    const sb = connect(providerWith(jsonService), { from: '+15550001111' });
    const masked = sb.render('sendMessage', { sms_to: '+1 555 123 0001', sms_body: 'Hi' });
    expect(masked).toEqual({
      method: 'POST',
      url: 'https://api.example.com/v1/send?user=johndow',
      headers: { 'content-type': 'application/json', authorization: 'Basic ****' },
      body: '{"to":"+15551230001","text":"Hi","from":"+15550001111"}',
    });
    const shown = sb.render('sendMessage', { sms_to: '+15551230001', sms_body: 'Hi' }, { showSecrets: true });
    expect(shown.headers.authorization).toBe(`Basic ${Buffer.from('johndow:s3cr&t pass').toString('base64')}`);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
