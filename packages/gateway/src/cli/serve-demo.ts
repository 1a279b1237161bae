/**
 * `switchboard serve --demo`: the gateway with no account anywhere. The built-in demo provider runs
 * in-process; one demo user gets a fresh password and the demo account a fresh webhook secret per
 * run; the SQLite file goes in a folder. It prints commands for the whole loop: a send (which the
 * demo provider then reports delivered by itself, to the gateway's status URL), an inbound message
 * posted as the demo provider posts one, a picture each way (an Acrobits file-transfer Send of the
 * demo's encrypted picture, and an inbound message whose media URL the demo itself serves), and a
 * fetch that shows them all.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDemoServer, type DemoServer } from 'switchboard/internal/demo/server.js';
import { gatewayAccountXml } from '../app/account-xml.js';
import { APP_PATHS } from '../app/routes.js';
import { hashPassword } from '../config/password.js';
import { loadGateway } from '../config/load-gateway.js';
import type { TrustProxy } from '../config/trust-proxy.js';
import { startGateway, type Gateway } from '../server.js';
import { slugOf } from '../webhooks/accounts.js';
import type { Io } from 'switchboard/internal/cli/io.js';

const DEMO_LOGIN = 'demo';
const DEMO_NUMBER = '+15550100001';
const DEMO_PEER = '+15551231234';
const ACCOUNT_FILE = 'demo-account.json';
/** An inbound text that shows the bytes arrive as typed: accents, an ampersand, quotes, CJK, an emoji. */
const INBOUND_TEXT = 'Grüße & "hello" from 東京 🎉';
/** The content type with which an Acrobits app sends and fetches a file-transfer document. */
const FILE_TRANSFER = 'application/x-acro-filetransfer+json';

/** What one demo run made up: its folder, and the secrets it generated. */
interface DemoRun {
  readonly dir: string;
  readonly password: string;
  readonly webhookToken: string;
}

/** Starts the demo gateway; resolves once it stops (the caller waits for a signal). */
export async function runDemo(
  dir: string | undefined,
  io: Io,
  listen: { port: number; host: string },
  trustProxy: TrustProxy | undefined,
  untilSignal: (gateway: Gateway) => Promise<number>,
): Promise<number> {
  const folder = dir === undefined ? await mkdtemp(join(tmpdir(), 'switchboard-gateway-')) : resolve(dir);
  await mkdir(folder, { recursive: true });
  // The public URL (and the status callback URLs made from it) must name the port really used.
  const port = listen.port === 0 ? await freePort(listen.host) : listen.port;
  const demo = await startDemoServer(0, {
    keep: false,
    // Shows that the provider got the picture whole: compare its size and hash with the demo's PNG.
    onMedia: (m) =>
      io.err(
        `demo provider fetched ${m.url}: ${m.status} ${m.contentType ?? '-'}, ${m.size} bytes, sha256 ${m.sha256}`,
      ),
  });
  try {
    const run = { dir: folder, password: secret(), webhookToken: secret() };
    const file = await writeDemoFiles(run, port);
    const config = await loadGateway(file, io.env);
    const gateway = await startGateway(
      config,
      { ...listen, port },
      { logger: { level: 'info' }, trustProxy, connector: { origin: demo.origin } },
    );
    io.err(demoText(gateway, demo, run));
    io.err(gatewayAccountXml({ ...config, publicUrl: gateway.url }, DEMO_LOGIN, run.password));
    return await untilSignal(gateway);
  } finally {
    await demo.close();
  }
}

function secret(): string {
  return randomBytes(12).toString('base64url');
}

/** A port free on `host` now (the demo then listens on it). */
function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Writes the demo's account and gateway files into the run's folder; returns the gateway file. */
async function writeDemoFiles(run: DemoRun, port: number): Promise<string> {
  // The built-in demo provider; the gateway points its origin at the demo server just started.
  const account = { provider: 'demo', username: 'johndow', password: '12345678', webhookToken: run.webhookToken };
  const gateway = {
    $schema: 'https://raw.githubusercontent.com/switchboard/switchboard/main/schemas/gateway.schema.json',
    publicUrl: `http://127.0.0.1:${port}`,
    users: [
      {
        login: DEMO_LOGIN,
        passwordHash: await hashPassword(run.password),
        numbers: [DEMO_NUMBER],
        account: ACCOUNT_FILE,
      },
    ],
    database: { sqlite: 'gateway.db' },
    // The demo provider (and the app's file storage it plays) is on 127.0.0.1: allowed here only.
    media: { allowPrivateNetworks: true },
    push: { enabled: false },
  };
  await writeFile(join(run.dir, ACCOUNT_FILE), `${JSON.stringify(account, null, 2)}\n`);
  const file = join(run.dir, 'gateway.json');
  await writeFile(file, `${JSON.stringify(gateway, null, 2)}\n`);
  return file;
}

/** A curl command posting JSON, its fields packed into lines that fit 80 columns where they can. */
function curl(url: string, fields: Record<string, unknown>): string {
  const pairs = Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const quotedUrl = /[?&]/.test(url) ? `'${url}'` : url;
  const lines = [`  curl -s ${quotedUrl} \\`, `    -H 'content-type: application/json' \\`];
  let line = "    -d '{";
  pairs.forEach((pair, i) => {
    const piece = `${pair}${i === pairs.length - 1 ? "}'" : ','}`;
    if (line.trim() !== "-d '{" && line.length + 1 + piece.length > 79) {
      lines.push(line);
      line = `        ${piece}`;
    } else line = line.endsWith('{') ? line + piece : `${line} ${piece}`;
  });
  return [...lines, line].join('\n');
}

function demoText(gateway: Gateway, demo: DemoServer, run: DemoRun): string {
  const user = { username: DEMO_LOGIN, password: run.password };
  const hooks = `${gateway.url}/hooks/${slugOf(ACCOUNT_FILE)}`;
  return [
    `Switchboard gateway (demo) on ${gateway.url}, sending through`,
    `the demo provider on ${demo.origin}.`,
    `Files and the SQLite database: ${run.dir}`,
    `User: ${DEMO_LOGIN}   password: ${run.password}   number: ${DEMO_NUMBER}`,
    '',
    'Try, from another terminal. 1. Send, as an Acrobits app does; the demo provider',
    'then posts a delivery report for it to the gateway by itself, as a real one',
    'does, to the status callback URL it was given with the message:',
    `${hooks}/status?key=…&sb=<message id>`,
    curl(`${gateway.url}${APP_PATHS.send}`, { ...user, to: DEMO_PEER, body: 'Hello' }),
    '',
    '2. A number the provider refuses (the gateway answers 502 {"message"}):',
    curl(`${gateway.url}${APP_PATHS.send}`, { ...user, to: '+15550000000', body: 'refused' }),
    '',
    `3. An inbound message to ${DEMO_NUMBER}, posted as the demo provider posts one`,
    '   (run it twice: a provider retry is stored once; a wrong key gets 403):',
    curl(`${hooks}/inbound?key=${run.webhookToken}`, {
      id: `in-${randomBytes(4).toString('hex')}`,
      from: DEMO_PEER,
      to: DEMO_NUMBER,
      text: INBOUND_TEXT,
    }),
    '',
    '4. A picture from the app: an Acrobits file-transfer Send. The app left the',
    '   picture on its storage encrypted (here the demo serves it); the gateway',
    '   decrypts it, keeps it and gives the demo provider its own URL for it (the',
    '   "demo provider fetched" line shows what the provider got):',
    curl(`${gateway.url}${APP_PATHS.send}`, {
      ...user,
      to: DEMO_PEER,
      content_type: FILE_TRANSFER,
      body: JSON.stringify(appDocument(demo)),
    }),
    '',
    '5. An inbound picture: the gateway downloads it from the demo provider,',
    '   keeps it, and Fetch shows it with a URL that needs no credentials:',
    curl(`${hooks}/inbound?key=${run.webhookToken}`, {
      id: `in-${randomBytes(4).toString('hex')}`,
      from: DEMO_PEER,
      to: DEMO_NUMBER,
      text: 'A picture',
      media: [{ url: demo.pictureUrl, type: 'image/png', size: demo.picture.png.length }],
    }),
    '',
    '6. Fetch, as the app does: the messages received and sent (each picture as a',
    '   file-transfer document: a content-url to download it, and a preview):',
    curl(`${gateway.url}${APP_PATHS.fetch}`, { ...user, last_known_sms_id: '', last_known_sent_sms_id: '' }),
    '',
    'Delivery reports are not in the Fetch answer (the Acrobits API has no field for',
    'them): the JSON log line "webhook received" with "statuses":1 shows each, and',
    `the status of each sent message is kept in ${join(run.dir, 'gateway.db')}.`,
    '',
    'Or load this Account XML into an Acrobits app reachable from this machine',
    '(it carries the demo password):',
  ].join('\n');
}

/** The file-transfer document an app sends for the demo's picture, with the key it encrypted it with. */
function appDocument(demo: DemoServer): object {
  const attachment = {
    'content-type': 'image/png',
    'content-url': demo.appFileUrl,
    'content-size': demo.picture.png.length,
    filename: 'demo.png',
    'encryption-key': demo.picture.key,
    hash: demo.picture.hash,
  };
  return { body: 'A picture', attachments: [attachment] };
}
