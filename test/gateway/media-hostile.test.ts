/**
 * Inbound media from hostile or broken servers, through a gateway on a real SQLite file: a 50 MB
 * attachment (declared, and streamed without a length), a server that drips, HTML named `.jpg`, a
 * redirect to a host the provider file does not declare, a server that fails once, and media URLs
 * that point at the gateway's own loopback addresses (SSRF). Each message is still delivered,
 * saying which attachment is missing; retention deletes the files with their messages.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InboundEvent } from '../../src/webhook/events.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import type { MediaEntry } from '../../packages/gateway/src/store/media-store.js';
import { writeTwilioGateway } from '../helpers/gateway.js';
import {
  picture,
  sendFileTransfer,
  setTwilioMediaHosts,
  startMediaServer,
  type MediaServer,
} from '../helpers/media.js';

const ALICE = { login: 'alice', password: 'hostile-password-42', numbers: ['+15550100001'] };
const PEER = '+15551231234';
const MAX = 1024 * 1024;

let photo: Buffer;
let media: MediaServer;
let elsewhere: MediaServer;
let gateway: Gateway;
let closed = false;
const failedOnce = new Set<string>();

beforeAll(async () => {
  photo = await picture(200, 150, 'jpeg');
  elsewhere = await startMediaServer('127.0.0.3', (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
  });
  media = await startMediaServer('127.0.0.1', (request, response) => {
    const path = request.url ?? '';
    if (path === '/huge') {
      // Declares 50 MB, then sends until the gateway hangs up.
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(50 * 1024 * 1024) });
      response.write(photo);
      request.socket.once('close', () => response.destroy());
    } else if (path === '/endless') {
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      const more = () => {
        if (!closed && !response.destroyed && response.write(Buffer.alloc(64 * 1024, 1))) setImmediate(more);
        else if (!response.destroyed) response.once('drain', more);
      };
      more();
    } else if (path === '/drip') {
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      const timer = setInterval(() => response.write(Buffer.from([0xff])), 100);
      response.once('close', () => clearInterval(timer));
    } else if (path === '/evil.jpg') {
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html><script>alert(1)</script></html>');
    } else if (path === '/away') {
      response.writeHead(302, { location: `${elsewhere.origin}/photo.jpg` }).end();
    } else if (path === '/flaky' && !failedOnce.has(path)) {
      failedOnce.add(path);
      response.writeHead(503).end();
    } else response.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
  });
  const { dir, file } = await writeTwilioGateway(
    [ALICE],
    'https://sms.example.test',
    {
      media: { allowPrivateNetworks: true, maxBytes: MAX, timeoutMs: 2_000, attempts: 2 },
      push: { enabled: false },
    },
    'http://127.0.0.1:9',
  );
  await setTwilioMediaHosts(dir, ['127.0.0.1', 'localhost'], ['127.0.0.2']);
  gateway = await startGateway(await loadGateway(file), { port: 0 }, { media: { retryDelaysMs: [50], pollMs: 50 } });
});

afterAll(async () => {
  closed = true;
  await gateway?.close();
  await Promise.all([media?.close(), elsewhere?.close()]);
});

let sid = 0;
/** Delivers an inbound message with attachments at `urls`; resolves with its sms_id once every file is settled. */
async function receive(target: Gateway, urls: string[]): Promise<{ seq: number; files: MediaEntry[] }> {
  const event: InboundEvent = {
    type: 'inbound',
    from: PEER,
    to: ALICE.numbers[0] ?? '',
    text: 'caption',
    providerMessageId: `MM${++sid}`,
    media: urls.map((url) => ({ url, contentType: 'image/jpeg' })),
    dedupeKey: `MM${sid}`,
  };
  const summary = await target.ingest('twilio.json', [event]);
  const seq = summary.pushes[0]?.seq ?? 0;
  let files: MediaEntry[] = [];
  await vi.waitFor(
    async () => {
      files = await target.store.media.ofMessages('alice', [seq]);
      expect(files.every((f) => f.state !== 'pending')).toBe(true);
    },
    { timeout: 20_000, interval: 50 },
  );
  return { seq, files };
}

/** The document Fetch gives for message `seq`. */
async function documentOf(target: Gateway, seq: number): Promise<{ body?: string; attachments: unknown[] }> {
  const response = await fetch(`${target.url}/acrobits/fetch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ALICE.login, password: ALICE.password, last_known_sms_id: String(seq - 1) }),
  });
  const page = (await response.json()) as { received_smss: { sms_text: string }[] };
  return JSON.parse(page.received_smss[0]?.sms_text ?? '{}') as { body?: string; attachments: unknown[] };
}

describe('inbound media from hostile servers', () => {
  it('refuses a declared 50 MB attachment at once, and delivers the message saying it is missing', async () => {
    const { seq, files } = await receive(gateway, [`${media.origin}/huge`, `${media.origin}/fine.jpg`]);
    expect(files.map((f) => [f.state, f.attempts])).toEqual([
      ['failed', 1],
      ['stored', 1],
    ]);
    expect(files[0]?.error).toBe(`the file has ${50 * 1024 * 1024} bytes, over the limit of ${MAX}`);
    const document = await documentOf(gateway, seq);
    expect(document.body).toBe('caption\n[attachment 1 of 2 could not be downloaded]');
    expect(document.attachments).toHaveLength(1);
  });

  it('cuts an attachment streamed without a length as soon as it passes the limit', async () => {
    const { files } = await receive(gateway, [`${media.origin}/endless`]);
    expect(files.map((f) => [f.state, f.error])).toEqual([['failed', `the file is over the limit of ${MAX} bytes`]]);
  });

  it('gives up on a server that drips, after its retries, within the time bound', async () => {
    const { seq, files } = await receive(gateway, [`${media.origin}/drip`]);
    expect(files.map((f) => [f.state, f.attempts, f.error])).toEqual([['failed', 2, 'the download took too long']]);
    expect((await documentOf(gateway, seq)).body).toBe('caption\n[the attachment could not be downloaded]');
  });

  it('types HTML named .jpg by its bytes, and serves it as a download that is never a page', async () => {
    const { seq, files } = await receive(gateway, [`${media.origin}/evil.jpg`]);
    expect(files.map((f) => [f.state, f.contentType, f.filename])).toEqual([
      ['stored', 'application/octet-stream', 'attachment-1.bin'],
    ]);
    const [attachment] = (await documentOf(gateway, seq)).attachments as { 'content-url': string; preview?: unknown }[];
    expect(attachment?.preview).toBeUndefined();
    const served = await fetch(`${gateway.url}${new URL(attachment?.['content-url'] ?? '').pathname}`);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('refuses a redirect to a host the provider file does not declare, without asking it', async () => {
    const { files } = await receive(gateway, [`${media.origin}/away`]);
    expect(files.map((f) => [f.state, f.error])).toEqual([
      ['failed', '127.0.0.3 is not a media host of the provider file'],
    ]);
    expect(elsewhere.hits).toEqual([]);
  });

  it('tries a failed download again, and keeps it when it then arrives', async () => {
    const { files } = await receive(gateway, [`${media.origin}/flaky`]);
    expect(files.map((f) => [f.state, f.attempts, f.size])).toEqual([['stored', 2, photo.length]]);
  });

  it('deletes the files with their message when retention purges it', async () => {
    const { seq, files } = await receive(gateway, [`${media.origin}/kept.jpg`]);
    const id = files[0]?.id ?? '';
    expect(await gateway.store.media.file(id)).toBeDefined();
    await gateway.store.purge(Date.now() + 1000);
    expect(await gateway.store.media.file(id)).toBeUndefined();
    expect(await gateway.store.media.ofMessages('alice', [seq])).toEqual([]);
  });
});

describe('media URLs that point at the gateway’s own network (SSRF)', () => {
  let guarded: Gateway;
  let local: MediaServer;
  beforeAll(async () => {
    local = await startMediaServer('127.0.0.1', (_request, response) => response.writeHead(200).end('secret'));
    const { dir, file } = await writeTwilioGateway([ALICE], 'https://sms.example.test', {}, 'http://127.0.0.1:9');
    await setTwilioMediaHosts(dir, ['127.0.0.1', 'localhost'], []);
    guarded = await startGateway(await loadGateway(file), { port: 0 }, { media: { retryDelaysMs: [50], pollMs: 50 } });
  });
  afterAll(async () => {
    await guarded?.close();
    await local?.close();
  });

  it('refuses loopback addresses, by literal and by name, without connecting', async () => {
    const port = new URL(local.origin).port;
    const { files } = await receive(guarded, [`https://127.0.0.1:${port}/admin`, `https://localhost:${port}/admin`]);
    expect(files.map((f) => f.state)).toEqual(['failed', 'failed']);
    expect(files[0]?.error).toBe('127.0.0.1 is a private address');
    expect(files[1]?.error).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a private address$/);
    expect(local.hits).toEqual([]);
  });

  it('refuses an app attachment on a loopback address, and sends nothing', async () => {
    const port = new URL(local.origin).port;
    const document = { attachments: [{ 'content-url': `https://127.0.0.1:${port}/mmmsg/token` }] };
    const response = await sendFileTransfer(guarded.url, ALICE, PEER, document);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      message: 'attachment 1 could not be downloaded: 127.0.0.1 is a private address; nothing was sent',
    });
    expect(local.hits).toEqual([]);
  });

  it('refuses plain http media URLs', async () => {
    const { files } = await receive(guarded, [`${local.origin}/x`]);
    expect(files[0]?.error).toBe(
      `media is downloaded over https only, not http://127.0.0.1:${new URL(local.origin).port}`,
    );
  });
});
