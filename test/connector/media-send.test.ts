/**
 * Messages with attachments against real loopback servers: attachments are checked before any
 * request, the provider's media rules hold, and what cannot go gets the account's mediaFallback.
 */
import { describe, expect, it } from 'vitest';
import { connect, providerWith, useServers } from '../helpers/setup.js';
import type { MediaRules, ServiceSpec } from '../../src/generated/provider.js';

const server = useServers();

const jsonText: ServiceSpec = {
  url: 'https://api.example.com/send',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%' },
};

const oneFile: ServiceSpec = {
  url: 'https://api.example.com/send',
  contentType: 'application/json',
  body: { to: '%sms_to%', text: '%sms_body%', media_file: '%media_url%' },
  omitEmpty: ['/media_file'],
};

const photo = { url: 'https://cdn.example.com/p/cat.jpg?sig=a%2Bb&x=1', contentType: 'image/jpeg', size: 1000 };

describe('sending media', () => {
  it('refuses media a provider cannot take, with MEDIA_NOT_SUPPORTED and no request', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith(jsonText), {}, { origin: s.origin });
    const results = await sb.sendMessage({ to: ['+15551230001', '+15551230002'], body: 'Look', media: [photo] });
    await sb.close();
    expect(results.map((r) => [r.recipient, r.ok, r.code])).toEqual([
      ['+15551230001', false, 'MEDIA_NOT_SUPPORTED'],
      ['+15551230002', false, 'MEDIA_NOT_SUPPORTED'],
    ]);
    expect(results[0]?.error).toContain('the provider takes no media');
    expect(results[0]?.error).toContain('"mediaFallback": "text-with-link"');
    expect(s.requests).toHaveLength(0);
  });

  it('sends the text with each link on a line of its own when the account chooses text-with-link', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith(jsonText), { mediaFallback: 'text-with-link' }, { origin: s.origin });
    const second = { url: 'https://cdn.example.com/b.png' };
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'Look "here"', media: [photo, second] });
    await sb.close();
    expect(result?.ok).toBe(true);
    expect(JSON.parse(s.requests[0]?.body ?? '')).toEqual({
      to: '+15551230001',
      text: `Look "here"\n${photo.url}\n${second.url}`,
    });
  });

  it('refuses a malformed attachment with MEDIA_INVALID before any request, whatever the fallback', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith(jsonText), { mediaFallback: 'text-with-link' }, { origin: s.origin });
    const cases = [
      [{ url: 'http://cdn.example.com/a.jpg' }, 'must be https://'],
      [{ url: 'ftp://cdn.example.com/a.jpg' }, 'must be https://'],
      [{ url: 'https://user:pw@cdn.example.com/a.jpg' }, 'cannot carry credentials'],
      [{ url: 'not a url' }, 'is not a valid URL'],
      [{ url: 'https://cdn.example.com/a.jpg', size: -1 }, 'size must be a whole number'],
      [{ url: 'https://cdn.example.com/a.jpg', contentType: 'jpeg' }, 'contentType must be a MIME type'],
      [{ url: 'https://cdn.example.com/a.jpg', colour: 'red' }, '"colour" is not a property'],
    ] as const;
    for (const [attachment, message] of cases) {
      const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x', media: [attachment] as never });
      expect(result).toMatchObject({ ok: false, code: 'MEDIA_INVALID', error: expect.stringContaining(message) });
    }
    await sb.close();
    expect(s.requests).toHaveLength(0);
  });

  it('takes plain http media on loopback, for local providers and tests', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith(oneFile, { media: { maxCount: 1 } }), {}, { origin: s.origin });
    const url = 'http://127.0.0.1:9/a.jpg';
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x', media: [{ url }] });
    await sb.close();
    expect(result?.ok).toBe(true);
    expect(JSON.parse(s.requests[0]?.body ?? '').media_file).toBe(url);
  });

  it('places the one attachment of a single-file provider, and leaves the field out without one', async () => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith(oneFile, { media: { maxCount: 1 } }), {}, { origin: s.origin });
    await sb.sendMessage({ to: '+15551230001', body: 'with', media: [photo] });
    await sb.sendMessage({ to: '+15551230001', body: 'without' });
    await sb.close();
    expect(s.requests.map((r) => JSON.parse(r.body))).toEqual([
      { to: '+15551230001', text: 'with', media_file: photo.url },
      { to: '+15551230001', text: 'without' },
    ]);
  });

  it.each<[MediaRules, (typeof photo)[], string]>([
    [{ maxCount: 1 }, [photo, photo], 'at most 1 attachment per message, not 2'],
    [{ maxBytes: 999 }, [photo], '1000 bytes; the provider takes at most 999 per attachment'],
    [{ maxTotalBytes: 1999 }, [photo, photo], '2000 bytes; the provider takes at most 1999 per message'],
    [{ contentTypes: ['image/png', 'video/*'] }, [photo], 'image/jpeg; the provider takes image/png, video/*'],
    [{ countries: ['SE'] }, [photo], 'only to SE, not US'],
  ])('holds the rule %j before any request', async (rules, media, message) => {
    const s = await server(() => ({ status: 200 }));
    const sb = connect(providerWith(oneFile, { media: rules }), {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'x', media });
    await sb.close();
    expect(result).toMatchObject({ ok: false, code: 'MEDIA_NOT_SUPPORTED', error: expect.stringContaining(message) });
    expect(s.requests).toHaveLength(0);
  });

  it('accepts a type within a class and sizes within the limits', async () => {
    const s = await server(() => ({ status: 200 }));
    const rules: MediaRules = {
      maxCount: 1,
      maxBytes: 1000,
      maxTotalBytes: 1000,
      contentTypes: ['image/*'],
      countries: ['US', 'CA'],
    };
    const sb = connect(providerWith(oneFile, { media: rules }), {}, { origin: s.origin });
    const results = await sb.sendMessage({ to: ['+15551230001', '+16135550123'], body: 'x', media: [photo] });
    await sb.close();
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });

  it('sends media where the destination takes it and links elsewhere, results in recipient order', async () => {
    const s = await server((req) => ({ status: 200, body: JSON.stringify({ id: JSON.parse(req.body).to }) }));
    const sb = connect(
      providerWith({ ...oneFile, response: { messageId: '/id' } }, { media: { countries: ['US'] } }),
      { mediaFallback: 'text-with-link' },
      { origin: s.origin },
    );
    const results = await sb.sendMessage({ to: ['+46701234567', '+15551230001'], body: 'x', media: [photo] });
    await sb.close();
    expect(results.map((r) => r.messageId)).toEqual(['+46701234567', '+15551230001']);
    const bodies = Object.fromEntries(s.requests.map((r) => [JSON.parse(r.body).to, JSON.parse(r.body)]));
    expect(bodies['+46701234567']).toEqual({ to: '+46701234567', text: `x\n${photo.url}` });
    expect(bodies['+15551230001']).toEqual({ to: '+15551230001', text: 'x', media_file: photo.url });
  });

  it('sends through the media service when the provider has one, and the text service without media', async () => {
    const s = await server(() => ({ status: 200 }));
    const mms: ServiceSpec = {
      url: 'https://api.example.com/mms',
      contentType: 'application/json',
      body: { to: '%sms_to%', caption: '%sms_body%', image: { url: '%media_url%' } },
    };
    const sb = connect(providerWith(jsonText, { media: { maxCount: 1, service: mms } }), {}, { origin: s.origin });
    await sb.sendMessage({ to: '+15551230001', body: 'pic', media: [photo] });
    await sb.sendMessage({ to: '+15551230001', body: 'text' });
    await sb.close();
    expect(s.requests.map((r) => [r.url, JSON.parse(r.body)])).toEqual([
      ['/mms', { to: '+15551230001', caption: 'pic', image: { url: photo.url } }],
      ['/send', { to: '+15551230001', text: 'text' }],
    ]);
  });

  it('refuses at load a provider with media rules whose templates place no attachment', () => {
    expect(() => connect(providerWith(jsonText, { media: {} }))).toThrow(/places no attachment/);
    expect(() => connect(providerWith(oneFile))).toThrow(/#\/media: is missing/);
  });

  const urls = [
    'https://cdn.example.com/a.jpg?x=1&y=a%2Bb',
    'https://cdn.example.com/b%20c/é.png#frag',
    'https://cdn.example.com/c.gif?sig=+/=',
  ];

  it('sends every URL as a repeated form key, each arriving exactly, in order', async () => {
    const s = await server(() => ({ status: 201 }));
    const form: ServiceSpec = {
      url: 'https://api.example.com/Messages.json',
      body: { To: '%sms_to%', Body: '%sms_body%', MediaUrl: { $media: '%media_url%' } },
    };
    const sb = connect(providerWith(form, { media: { maxCount: 10 } }), {}, { origin: s.origin });
    const [result] = await sb.sendMessage({ to: '+15551230001', body: 'a&b=c', media: urls.map((url) => ({ url })) });
    await sb.close();
    expect(result?.ok).toBe(true);
    const received = new URLSearchParams(s.requests[0]?.body);
    expect(received.getAll('MediaUrl')).toEqual(urls);
    expect([received.get('To'), received.get('Body')]).toEqual(['+15551230001', 'a&b=c']);
  });

  it('sends every URL as a JSON array of URLs and of objects, each arriving exactly', async () => {
    const s = await server(() => ({ status: 200 }));
    const json: ServiceSpec = {
      url: 'https://api.example.com/messages',
      contentType: 'application/json',
      body: {
        to: '%sms_to%',
        text: '%sms_body%',
        type: '%kind%',
        media_urls: { $media: '%media_url%' },
        files: { $media: { url: '%media_url%', contentType: '%media_content_type%', name: '%media_filename%' } },
      },
      omitEmpty: ['/files/$media/name'],
    };
    const sb = connect(
      providerWith(json, {
        media: { maxCount: 10 },
        derived: { kind: { from: '%media_count%', map: { '0': 'SMS' }, default: 'MMS' } },
      }),
      {},
      { origin: s.origin },
    );
    const media = urls.map((url, i) => ({
      url,
      contentType: 'image/jpeg',
      ...(i === 0 ? { filename: 'a "b".jpg' } : {}),
    }));
    await sb.sendMessage({ to: '+15551230001', body: 'pics', media });
    await sb.sendMessage({ to: '+15551230001', body: 'text' });
    await sb.close();
    expect(JSON.parse(s.requests[0]?.body ?? '')).toEqual({
      to: '+15551230001',
      text: 'pics',
      type: 'MMS',
      media_urls: urls,
      // omitEmpty reaches into the item: only the first attachment has a name.
      files: urls.map((url, i) => ({ url, contentType: 'image/jpeg', ...(i === 0 ? { name: 'a "b".jpg' } : {}) })),
    });
    expect(JSON.parse(s.requests[1]?.body ?? '')).toEqual({ to: '+15551230001', text: 'text', type: 'SMS' });
  });

  it('renders the media request unsent, as a send would plan it', () => {
    const form: ServiceSpec = {
      url: 'https://api.example.com/Messages.json',
      body: { To: '%sms_to%', Body: '%sms_body%', MediaUrl: { $media: '%media_url%' } },
    };
    const sb = connect(providerWith(form, { media: { maxCount: 2 } }));
    const request = sb.render(
      'sendMessage',
      { sms_to: '+15551230001', sms_body: 'hi' },
      { media: [{ url: urls[0] as string }] },
    );
    expect(new URLSearchParams(request.body).getAll('MediaUrl')).toEqual([urls[0]]);
    expect(() =>
      sb.render('sendMessage', { sms_to: '+15551230001', sms_body: 'hi' }, { media: urls.map((url) => ({ url })) }),
    ).toThrow(expect.objectContaining({ code: 'MEDIA_NOT_SUPPORTED' }) as Error);
    expect(() =>
      sb.render('sendMessage', { sms_to: '+1555', sms_body: 'hi' }, { media: [{ url: 'http://x.org/a' }] }),
    ).toThrow(expect.objectContaining({ code: 'MEDIA_INVALID' }) as Error);
  });
});
