/**
 * An outgoing picture, played as the Acrobits app does it, through real `switchboard serve`
 * processes (dist/; run `npm run build` first): the picture is encrypted here with AES-CTR and an
 * all-zero counter block (node:crypto, as the Acrobits apps do), put on a loopback "app storage"
 * server, and Send carries the file-transfer document. The loopback Twilio receives one request
 * whose MediaUrl points at the gateway, and fetches it while it handles that request (as Twilio
 * does), getting exactly the decrypted bytes. Also: a key of the wrong length and a wrong hash are
 * refused with {"message"} and nothing is sent; an image over Twilio's 5 MB is scaled down to fit.
 */
import type { ChildProcess } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { serveProcess, writeTwilioGateway } from '../helpers/gateway.js';
import { picture, sendFileTransfer, startMediaServer, type MediaServer } from '../helpers/media.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const ALICE = { login: 'alice', password: 'send-media-password', numbers: ['+15550100001'] };
const PUBLIC = 'https://sms.example.test';
const PEER = '+15551231234';

/** Encrypts as the app does: AES-CTR, the key's length choosing the variant, a zero initial counter. */
function encrypt(plain: Buffer, key: Buffer): Buffer {
  const cipher = createCipheriv(`aes-${key.length * 8}-ctr`, key, Buffer.alloc(16, 0));
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

let postgres: TestPostgres | undefined;
let storage: MediaServer;
const stored = new Map<string, Buffer>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
  storage = await startMediaServer('127.0.0.1', (request, response) => {
    const bytes = stored.get(request.url ?? '');
    if (bytes === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    response.end(bytes);
  });
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await storage?.close();
  await postgres?.stop();
});

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ database: { postgres: await createDatabase(postgres, 'mediasend') } })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('on %s', (name, databaseOf) => {
  let gateway: string;
  let twilio: RecordingServer;
  /** What Twilio got from each MediaUrl while handling the send. */
  const fetchedByTwilio: { url: string; type: string | null; bytes: Buffer }[] = [];
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    let sent = 0;
    twilio = await startRecordingServer(() => (request, response) => {
      const urls = new URLSearchParams(request.body).getAll('MediaUrl');
      void Promise.all(
        urls.map(async (url) => {
          const got = await fetch(`${gateway}${new URL(url).pathname}`);
          fetchedByTwilio.push({
            url,
            type: got.headers.get('content-type'),
            bytes: Buffer.from(await got.arrayBuffer()),
          });
        }),
      ).then(() => {
        // A provider that takes its time: held until the test ends.
        if (new URLSearchParams(request.body).get('Body') === 'hold') return void held.push(response);
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ sid: `SM${String(++sent).padStart(32, '0')}`, status: 'queued' }));
      });
    });
    const { file } = await writeTwilioGateway(
      [ALICE],
      PUBLIC,
      {
        media: { allowPrivateNetworks: true },
        push: { enabled: false },
        limits: { sendWaitMs: 4_000 },
        ...(await databaseOf()),
      },
      twilio.origin,
    );
    const served = await serveProcess(file);
    children.push(served.child);
    gateway = served.url;
  }, 60_000);
  afterAll(async () => {
    for (const response of held) response.destroy();
    await twilio.close();
  });

  const send = async (document: object) => {
    const response = await sendFileTransfer(gateway, ALICE, PEER, document);
    return { status: response.status, body: (await response.json()) as { sms_id?: string; message?: string } };
  };
  /** Puts `plain` on the app storage encrypted with a fresh key of `keyBytes`; returns the attachment. */
  const upload = (path: string, plain: Buffer, keyBytes: number, extra: object = {}) => {
    const key = randomBytes(keyBytes);
    stored.set(`/${name}/${path}`, encrypt(plain, key));
    return {
      'content-type': 'image/jpeg',
      'content-url': `${storage.origin}/${name}/${path}`,
      'content-size': plain.length,
      'encryption-key': key.toString('hex').toUpperCase(),
      hash: String(crc32(plain)),
      ...extra,
    };
  };

  it('decrypts both pictures, hands Twilio the gateway’s URLs, and Twilio gets exactly the pictures', async () => {
    const photo = await picture(800, 600, 'jpeg');
    const drawing = await picture(320, 240, 'png');
    const before = twilio.requests.length;
    const answer = await send({
      body: 'Our trip 🏔️',
      attachments: [upload('photo', photo, 16), upload('drawing', drawing, 32, { 'content-type': 'image/png' })],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.sms_id).toMatch(/^\d+$/);
    expect(twilio.requests.length).toBe(before + 1);
    const form = new URLSearchParams(twilio.requests.at(-1)?.body);
    expect(form.get('Body')).toBe('Our trip 🏔️');
    const urls = form.getAll('MediaUrl');
    expect(urls).toHaveLength(2);
    expect(urls.every((u) => u.startsWith(`${PUBLIC}/media/`))).toBe(true);
    await vi.waitFor(() => expect(fetchedByTwilio.length).toBeGreaterThanOrEqual(2));
    expect(
      fetchedByTwilio.slice(-2).map((f) => [f.type, f.bytes.equals(f.type === 'image/png' ? drawing : photo)]),
    ).toEqual(
      expect.arrayContaining([
        ['image/jpeg', true],
        ['image/png', true],
      ]),
    );

    const page = (await (
      await fetch(`${gateway}/acrobits/fetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: ALICE.login, password: ALICE.password }),
      })
    ).json()) as { sent_smss: { sms_id: string; content_type: string; sms_text: string }[] };
    const sent = page.sent_smss.find((m) => m.sms_id === answer.body.sms_id);
    expect(sent?.content_type).toBe('application/x-acro-filetransfer+json');
    const document = JSON.parse(sent?.sms_text ?? '{}') as { body: string; attachments: { 'content-url': string }[] };
    expect(document.body).toBe('Our trip 🏔️');
    expect(document.attachments.map((a) => a['content-url'])).toEqual(urls);
  });

  it('refuses an encryption key of the wrong length, and sends nothing', async () => {
    const before = twilio.requests.length;
    const attachment = { ...upload('short-key', await picture(40, 30, 'jpeg'), 16), 'encryption-key': 'abcdef0123' };
    const answer = await send({ attachments: [attachment] });
    expect(answer).toEqual({
      status: 400,
      body: {
        message: 'attachment 1: the encryption-key must be 32, 48 or 64 hex digits (an AES-128, -192 or -256 key)',
      },
    });
    expect(twilio.requests.length).toBe(before);
  });

  it('refuses a picture whose hash does not match what was decrypted', async () => {
    const before = twilio.requests.length;
    const answer = await send({
      attachments: [{ ...upload('bad-hash', await picture(40, 30, 'jpeg'), 16), hash: '1' }],
    });
    expect(answer).toEqual({
      status: 422,
      body: { message: 'attachment 1 is damaged: its hash does not match; nothing was sent' },
    });
    expect(twilio.requests.length).toBe(before);
  });

  it('scales a picture over Twilio’s 5 MB down to a JPEG that fits', async () => {
    const big = await picture(1800, 1400, 'png', true);
    expect(big.length).toBeGreaterThan(5_000_000);
    const answer = await send({ attachments: [upload('big', big, 24, { 'content-type': 'image/png' })] });
    expect(answer.status).toBe(200);
    await vi.waitFor(() =>
      expect(fetchedByTwilio.at(-1)?.url).toBe(new URLSearchParams(twilio.requests.at(-1)?.body).get('MediaUrl')),
    );
    const got = fetchedByTwilio.at(-1);
    expect(got?.type).toBe('image/jpeg');
    expect(got?.bytes.length).toBeLessThanOrEqual(5_000_000);
  });

  it('answers the app within its send wait while the provider holds the request, and serves the file meanwhile', async () => {
    const photo = await picture(200, 100, 'jpeg');
    const fetchedBefore = fetchedByTwilio.length;
    const answer = await send({ body: 'hold', attachments: [upload('held', photo, 16)] });
    expect(answer.status).toBe(200);
    expect(answer.body.sms_id).toMatch(/^\d+$/);
    expect(held).toHaveLength(1);
    expect(fetchedByTwilio.slice(fetchedBefore).map((f) => f.bytes.equals(photo))).toEqual([true]);
  });
});
