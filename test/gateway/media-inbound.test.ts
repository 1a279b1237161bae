/**
 * An incoming picture, as the app sees it through real `switchboard serve` processes (dist/; run
 * `npm run build` first): a Twilio-signed inbound webhook names two media URLs on a loopback
 * "api.twilio.com" that requires the account's Basic credentials; one of them redirects (307) to a
 * loopback "CDN" on another address, which must never see the credentials. The push says what
 * arrived, Fetch returns the Acrobits file-transfer document, its content-urls give back the same
 * bytes with no credentials, its previews are JPEGs, and a wrong signature is refused. On SQLite,
 * and on PostgreSQL with two processes: the one that received the webhook is not the one the app
 * fetches and downloads from.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { TWILIO, serveProcess, twilioAnswer, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import { picture, setTwilioMediaHosts, startMediaServer, twilioMediaForm, type MediaServer } from '../helpers/media.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const ALICE = { login: 'alice', password: 'media-password-42', numbers: ['+15550100001'] };
const PUBLIC = 'https://sms.example.test';
const PEER = '+15551231234';
const BASIC = `Basic ${Buffer.from(`${TWILIO.sid}:${TWILIO.token}`).toString('base64')}`;

let postgres: TestPostgres | undefined;
let photo: Buffer;
let drawing: Buffer;
let api: MediaServer;
let cdn: MediaServer;
let push: RecordingServer;
let twilio: RecordingServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
  photo = await picture(640, 480, 'jpeg');
  drawing = await picture(300, 200, 'png');
  // The CDN serves its signed URL to anyone; credentials sent here would be a leak.
  cdn = await startMediaServer('127.0.0.2', (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': photo.length });
    response.end(photo);
  });
  // Twilio's media URLs: Basic credentials required; ME1 redirects to the CDN, ME2 answers itself.
  api = await startMediaServer('127.0.0.1', (request, response) => {
    if (request.headers.authorization !== BASIC) {
      response.writeHead(401).end();
      return;
    }
    if (request.url?.endsWith('/ME1') === true) {
      response.writeHead(307, { location: `${cdn.origin}/AC/ME1?x-amz-security-token=abc` }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': drawing.length });
    response.end(drawing);
  });
  push = await startRecordingServer(() => ({ status: 200, body: '{"status":200}' }));
  twilio = await startRecordingServer(twilioAnswer());
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all([api?.close(), cdn?.close(), push?.close(), twilio?.close()]);
  await postgres?.stop();
});

const STORES = [
  ['SQLite', 1, async () => ({})],
  ['PostgreSQL', 2, async () => ({ database: { postgres: await createDatabase(postgres, 'media') } })],
] as const;

interface Document {
  body?: string;
  attachments: {
    'content-type': string;
    'content-url': string;
    'content-size': number;
    filename: string;
    preview?: { 'content-type': string; content: string };
  }[];
}

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('on %s', (_name, processes, databaseOf) => {
  let receiving: string;
  let serving: string;

  beforeAll(async () => {
    const { dir, file } = await writeTwilioGateway(
      [ALICE],
      PUBLIC,
      {
        push: { url: `${push.origin}/pnm2/send` },
        media: { allowPrivateNetworks: true },
        ...(await databaseOf()),
      },
      twilio.origin,
    );
    await setTwilioMediaHosts(dir, ['127.0.0.1'], ['127.0.0.2']);
    const started = [];
    for (let i = 0; i < processes; i++) started.push(await serveProcess(file));
    children.push(...started.map((s) => s.child));
    receiving = started[0]?.url ?? '';
    serving = started.at(-1)?.url ?? '';
  }, 60_000);

  const app = (path: string, body: Record<string, string>) =>
    fetch(`${serving}/acrobits/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ALICE.login, password: ALICE.password, ...body }),
    });
  /** The gateway's public URL, reached at the process the app talks to. */
  const local = (publicUrl: string) => `${serving}${new URL(publicUrl).pathname}`;

  it('keeps both pictures, pushes "2 photos", and Fetch gives the file-transfer document', async () => {
    const selector = `SEL-${processes}`;
    expect((await app('push-token', { selector, pushToken: `tok-${processes}`, pushappid: 'app' })).status).toBe(200);
    const pushedBefore = push.requests.length;
    const base = `${api.origin}/2010-04-01/Accounts/${TWILIO.sid}/Messages/MM${processes}/Media`;
    const form = twilioMediaForm(`MM${processes}`, PEER, ALICE.numbers[0] ?? '', 'Look 👀 & "see"', [
      `${base}/ME1`,
      `${base}/ME2`,
    ]);
    const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/inbound`, form);
    const answer = await fetch(`${receiving}/hooks/twilio/inbound`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    expect(answer.status).toBe(200);

    await vi.waitFor(() => expect(push.requests.length).toBe(pushedBefore + 1), { timeout: 15_000 });
    const pushed = JSON.parse(push.requests.at(-1)?.body ?? '{}') as { Message?: string };
    expect(pushed.Message).toBe('2 photos: Look 👀 & "see"');
    // The first hop carried the credentials; the CDN never saw them.
    expect(api.hits.filter((h) => h.path.includes(`MM${processes}/`)).map((h) => h.authorization)).toEqual([
      BASIC,
      BASIC,
    ]);
    expect(cdn.hits.at(-1)).toEqual({ path: '/AC/ME1?x-amz-security-token=abc', authorization: undefined });

    const fetched = (await (await app('fetch', {})).json()) as {
      received_smss: { sms_text: string; content_type: string; sender: string }[];
    };
    const message = fetched.received_smss.at(-1);
    expect(message?.content_type).toBe('application/x-acro-filetransfer+json');
    expect(message?.sender).toBe(PEER);
    const document = JSON.parse(message?.sms_text ?? '{}') as Document;
    expect(document.body).toBe('Look 👀 & "see"');
    expect(document.attachments.map((a) => [a['content-type'], a['content-size'], a.filename])).toEqual([
      ['image/jpeg', photo.length, 'attachment-1.jpg'],
      ['image/png', drawing.length, 'attachment-2.png'],
    ]);
    for (const [i, original] of [photo, drawing].entries()) {
      const attachment = document.attachments[i];
      expect(attachment?.['content-url'].startsWith(`${PUBLIC}/media/`)).toBe(true);
      const served = await fetch(local(attachment?.['content-url'] ?? ''));
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe(i === 0 ? 'image/jpeg' : 'image/png');
      expect(served.headers.get('content-length')).toBe(String(original.length));
      expect(Buffer.from(await served.arrayBuffer()).equals(original)).toBe(true);
      expect(attachment?.preview?.['content-type']).toBe('image/jpeg');
      const { default: sharp } = await import('sharp');
      const preview = await sharp(Buffer.from(attachment?.preview?.content ?? '', 'base64')).metadata();
      expect(preview.format).toBe('jpeg');
      expect(Math.max(preview.width ?? 0, preview.height ?? 0)).toBeLessThanOrEqual(120);
    }
  });

  it('refuses a media URL whose signature is wrong, and one for an id that does not exist', async () => {
    const fetched = (await (await app('fetch', {})).json()) as { received_smss: { sms_text: string }[] };
    const url = (JSON.parse(fetched.received_smss.at(-1)?.sms_text ?? '{}') as Document).attachments[0]?.[
      'content-url'
    ];
    const [, , id, signature] = new URL(url ?? '').pathname.split('/');
    const flipped = `${signature?.slice(0, -1)}${signature?.endsWith('A') === true ? 'B' : 'A'}`;
    for (const path of [`/media/${id}/${flipped}`, `/media/${id}x/${signature}`, `/media/${id}`]) {
      const refused = await fetch(`${serving}${path}`);
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain('image');
    }
  });
});
