/**
 * Issue 9, item 12: `.` or `..` as a value in a URL path position changed the path
 * (`/send/%sms_body%/x` with `..` arrived as `/x`): URL normalisation resolved the dot segment, and
 * the WHATWG parser does so even for `%2E%2E`. The value is now encoded and the path sent as
 * rendered, so it arrives as text.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { requestTarget } from '../../src/http/request-target.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer(() => ({ status: 200 }));
});
afterAll(() => server.close());

/** Sends `body` through a provider whose URL is `url`; returns the path and query the server received. */
async function received(url: string, body: string): Promise<string> {
  const provider = providerFromValue(
    { id: 'p', name: 'P', docs: 'https://example.com/docs', parameters: {}, services: { sendMessage: { url } } },
    'p.json',
  );
  const connector = createConnector({
    provider,
    account: accountFromValue({ provider: 'p' }, 'a.account.json', undefined),
    origin: server.origin,
    retry: false,
  });
  try {
    const [result] = await connector.sendMessage({ to: ['+15551231234'], body });
    expect(result).toMatchObject({ ok: true });
    return server.requests.at(-1)?.url ?? '';
  } finally {
    await connector.close();
  }
}

describe('dot segments in a URL path', () => {
  it.each([
    ['..', '/send/%2E%2E/x'],
    ['.', '/send/%2E/x'],
    ['...', '/send/.../x'],
    ['%2E%2E', '/send/%252E%252E/x'],
  ])('sends the value %j as text: %s', async (value, path) => {
    expect(await received('https://e.com/send/%sms_body%/x', value)).toBe(path);
  });

  it('keeps a value that makes a dot segment with the literal text around it', async () => {
    expect(await received('https://e.com/send/.%sms_body%/x', '.')).toBe('/send/.%2E/x');
    expect(await received('https://e.com/send/%sms_body%%sms_body%/x', '.')).toBe('/send/%2E%2E/x');
  });

  it("still resolves the template's own literal dot segments, as curl does", async () => {
    expect(await received('https://e.com/api/./v1/../v2/%sms_body%?q=%sms_body%', '..')).toBe(
      '/api/v2/%2E%2E?q=%2E%2E',
    );
  });

  it('serialises every URL without an encoded dot segment exactly as the WHATWG parser does', () => {
    const piece = fc.constantFrom(
      'a',
      '.',
      '\t',
      '%2e',
      '%2E',
      ' ',
      '\u0000',
      'é',
      ' ',
      '"',
      '<',
      '>',
      '`',
      '{',
      '}',
      '|',
      '^',
      "'",
      '%2F',
      '%zz',
      '/',
      '?',
      '#',
      '&',
      '=',
      '\\',
      '😀',
      '[',
      ']',
    );
    const tail = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(tail, (rest) => {
        const url = `https://e.com/${rest}`;
        const whatwg = new URL(url);
        // Only an encoded dot segment is read differently, on purpose; literal ones resolve alike.
        const cleaned = rest.replace(/[\t\n\r]/g, '').replace(/[\u0000-\u0020]+$/, '');
        fc.pre(!/(^|[/\\])(?=[.%2eE]*%2e)(\.|%2e){1,2}(?=[/\\?#]|$)/i.test(cleaned));
        const target = requestTarget(url);
        expect(target.pathname + target.search).toBe(whatwg.pathname + whatwg.search);
        expect(target.origin).toBe(whatwg.origin);
      }),
      { numRuns: 2000 },
    );
  });
});
