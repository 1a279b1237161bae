#!/usr/bin/env node
/**
 * Inbound media bench (`npm run bench:media`): an inbound Twilio-signed webhook naming one picture
 * of about 1 MB, from the POST to the gateway until the picture is stored (downloaded with the
 * account's credentials, typed by its bytes, previewed with sharp, written to the SQLite file,
 * WAL, synchronous=FULL), against the least any implementation must do in the same run: a bare
 * `node:http` server that takes the same webhook, downloads the same bytes with undici and inserts
 * them into a BLOB of an SQLite file with the same settings. One message after another; the
 * picture server is a loopback `node:http` server. Prints ms per message for each and the ratio
 * baseline/gateway (target ≥ 0.5). Then, on the same gateway: its RSS sampled over `--rss-messages`
 * more such pictures (default 1,000), to show whether memory stays flat between downloads (the
 * gateway writes each file into chunk rows as it arrives and holds only an image under the preview
 * bound whole, for sharp), after a full garbage collection when run with `node --expose-gc`; the
 * most memory in use while files of `--large-mb` MB (default 20) are kept, `--large-files` of them
 * (default 5) one after another; and the p99 of Fetch answering one media message (the
 * file-transfer document with its preview) beside Fetch answering one text message, over
 * `--fetches` calls each (default 500). Uses dist/ (npm run build first).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { URLSearchParams, fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { request } from 'undici';
import { scratch } from './scratch.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'bench-twilio-auth-token-0123456789';
const BASIC = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const OWN = '+15550100001';
const at = process.argv.indexOf('--messages');
const MESSAGES = at === -1 ? 40 : Number(process.argv[at + 1]);
const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const RSS_MESSAGES = option('--rss-messages', 1000);
const LARGE_MB = option('--large-mb', 20);
const LARGE_FILES = option('--large-files', 5);
const FETCHES = option('--fetches', 500);

const listen = (server) =>
  new Promise((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${server.address().port}`)));
const form = (params) => new URLSearchParams(params).toString();
/** X-Twilio-Signature: HMAC-SHA1 of the URL and the sorted pairs, base64 (Twilio's webhook security). */
const sign = (url, params) =>
  createHmac('sha1', TOKEN)
    .update(
      url +
        Object.keys(params)
          .sort()
          .map((k) => k + params[k])
          .join(''),
    )
    .digest('base64');

// A picture of about 1 MB: random pixels, as JPEG.
const picture = await sharp(Buffer.from(Array.from({ length: 1200 * 1200 * 3 }, () => (Math.random() * 256) | 0)), {
  raw: { width: 1200, height: 1200, channels: 3 },
})
  .jpeg({ quality: 85 })
  .toBuffer();
// A large file that is no image (a PDF by its first bytes): what the gateway holds while it keeps one.
const large = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(LARGE_MB * 2 ** 20)]);
const media = createServer((req, res) => {
  if (req.headers.authorization !== BASIC) return void res.writeHead(401).end();
  const body = req.url.startsWith('/Large/') ? large : picture;
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
});
const mediaOrigin = await listen(media);
const params = (i, withPicture = true) => ({
  AccountSid: SID,
  MessageSid: `MM${i}`,
  From: '+15551231234',
  To: OWN,
  Body: 'photo',
  NumMedia: withPicture ? '1' : '0',
  ...(withPicture ? { MediaUrl0: `${mediaOrigin}/Media/ME${i}`, MediaContentType0: 'image/jpeg' } : {}),
});

/** The baseline: the same webhook, a bare download, one insert. */
async function baseline(dir) {
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE media (id TEXT PRIMARY KEY, bytes BLOB)');
  const insert = db.prepare('INSERT INTO media (id, bytes) VALUES (?, ?)');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const got = new URLSearchParams(Buffer.concat(chunks).toString());
      const response = await request(got.get('MediaUrl0'), { headers: { authorization: BASIC } });
      insert.run(got.get('MessageSid'), Buffer.from(await response.body.arrayBuffer()));
      res.writeHead(200).end();
    });
  });
  const origin = await listen(server);
  const time = await run(origin, '/hook', async () => undefined);
  server.close();
  db.close();
  return time;
}

/** The gateway: the catalogue's Twilio file pointed at the loopback picture server. */
async function gateway(dir) {
  const { startGateway } = await import(join(ROOT, 'packages/gateway/dist/server.js'));
  const { loadGateway } = await import(join(ROOT, 'packages/gateway/dist/config/load-gateway.js'));
  const provider = JSON.parse(await readFile(join(ROOT, 'providers/twilio.json'), 'utf8'));
  provider.webhooks.mediaAccess.hosts = ['127.0.0.1'];
  await mkdir(join(dir, 'providers'));
  await writeFile(join(dir, 'providers', 'twilio.json'), JSON.stringify(provider));
  await writeFile(
    join(dir, 'twilio.json'),
    JSON.stringify({ provider: './providers/twilio.json', username: SID, password: TOKEN, from: OWN }),
  );
  const { hashPassword } = await import(join(ROOT, 'packages/gateway/dist/config/password.js'));
  const config = {
    publicUrl: 'http://127.0.0.1:1',
    users: [
      { login: 'alice', passwordHash: await hashPassword('bench-password'), numbers: [OWN], account: 'twilio.json' },
    ],
    database: { sqlite: 'gateway.db' },
    push: { enabled: false },
    media: { allowPrivateNetworks: true },
  };
  await writeFile(join(dir, 'gateway.json'), JSON.stringify(config));
  const g = await startGateway(await loadGateway(join(dir, 'gateway.json')), { port: 0 });
  // The bench learns that a file was stored (or given up) from the store's own write resolving,
  // rather than by asking the store over and over: a busy poll would take the gateway's event loop
  // from its own work, a cost the baseline does not bear.
  let seq = 0;
  let settled = 0;
  let waiter;
  for (const name of ['keep', 'fail']) {
    const write = g.store.media[name];
    g.store.media[name] = async (...args) => {
      const done = await write(...args);
      settled++;
      waiter?.();
      return done;
    };
  }
  const stored = async () => {
    seq++;
    while (settled < seq) await new Promise((r) => (waiter = r));
    const [file] = await g.store.media.ofMessages('alice', [seq]);
    if (file?.state !== 'stored') throw new Error(`picture ${seq} was not stored: ${JSON.stringify(file)}`);
  };
  const time = await run(g.url, '/hooks/twilio/inbound', stored, 'http://127.0.0.1:1');
  const rss = await memory(g.url, stored);
  const mediaFetch = await fetchP99(g.url, seq - 1);
  await post(g.url, '/hooks/twilio/inbound', params('text', false), 'http://127.0.0.1:1');
  seq++;
  settled++; // a text: no file to wait for
  const textFetch = await fetchP99(g.url, seq - 1);
  const peak = await largePeak(g.url, stored);
  await g.close();
  return { ...time, rss, peak, mediaFetch, textFetch };
}

/** RSS (and Buffer memory) sampled ten times over RSS_MESSAGES more pictures, each stored before the next. */
async function memory(origin, stored) {
  const samples = [];
  const sample = (after) => {
    // Garbage collected first (node --expose-gc), so that what is measured is memory kept, not
    // garbage V8 has not yet had a reason to collect (without it the heap grows for a while).
    globalThis.gc?.();
    globalThis.gc?.();
    const m = process.memoryUsage();
    samples.push({ after, rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers });
  };
  sample(0);
  for (let i = 1; i <= RSS_MESSAGES; i++) {
    await post(origin, '/hooks/twilio/inbound', params(`rss-${i}`), 'http://127.0.0.1:1');
    await stored();
    if (i % Math.max(1, Math.floor(RSS_MESSAGES / 10)) === 0) sample(i);
  }
  return samples;
}

/**
 * The most memory (RSS, and Buffers outside the JS heap) seen while LARGE_FILES files of LARGE_MB
 * are kept one after another, above what was in use before (sampled every few milliseconds).
 */
async function largePeak(origin, stored) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  }, 2);
  for (let i = 0; i < LARGE_FILES; i++) {
    const p = { ...params(`large-${i}`), MediaUrl0: `${mediaOrigin}/Large/ME${i}` };
    await post(origin, '/hooks/twilio/inbound', p, 'http://127.0.0.1:1');
    await stored();
  }
  clearInterval(timer);
  return { rss: peak.rss - before.rss, arrayBuffers: peak.arrayBuffers - before.arrayBuffers };
}

/** p50 and p99 of FETCHES Fetch calls that each answer the one message after `lastKnown`. */
async function fetchP99(origin, lastKnown) {
  const body = JSON.stringify({
    username: 'alice',
    password: 'bench-password',
    last_known_sms_id: String(lastKnown),
    last_known_sent_sms_id: '',
  });
  const times = [];
  let bytes = 0;
  for (let i = 0; i < FETCHES + 20; i++) {
    const t = performance.now();
    const response = await request(`${origin}/acrobits/fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const page = await response.body.json();
    if (i >= 20) times.push(performance.now() - t);
    if (page.received_smss?.length !== 1) throw new Error(`Fetch answered ${JSON.stringify(page).slice(0, 200)}`);
    bytes = JSON.stringify(page).length;
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), bytes };
}

/** Posts MESSAGES signed webhooks one after another, each followed by `done()`; ms per message. */
async function run(origin, path, done, signedOrigin = origin) {
  const warm = 5;
  let start = 0;
  for (let i = 0; i < MESSAGES + warm; i++) {
    if (i === warm) start = performance.now();
    await post(origin, path, params(`${path.length}-${i}`), signedOrigin);
    await done();
  }
  return { msPerMessage: (performance.now() - start) / MESSAGES };
}

/** Posts one signed webhook; throws unless it was taken. */
async function post(origin, path, p, signedOrigin) {
  const response = await request(`${origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign(`${signedOrigin}${path}`, p),
    },
    body: form(p),
  });
  await response.body.dump();
  if (response.statusCode >= 300) throw new Error(`${path} answered ${response.statusCode}`);
}

const dir = await scratch('sb-bench-media-');
const bare = await baseline(dir);
const gw = await gateway(dir);
media.close();
console.log(`picture: ${picture.length} bytes, ${MESSAGES} messages one after another`);
console.log(`baseline (node:http + undici + one BLOB insert): ${bare.msPerMessage.toFixed(1)} ms per message`);
console.log(
  `gateway (webhook → verified → stored → downloaded, typed, previewed, stored): ${gw.msPerMessage.toFixed(1)} ms per message`,
);
console.log(`ratio baseline/gateway: ${(bare.msPerMessage / gw.msPerMessage).toFixed(2)} (target ≥ 0.5)`);
const mb = (n) => (n / 2 ** 20).toFixed(0);
console.log(
  `RSS over ${RSS_MESSAGES} more pictures (MB; JS heap and Buffers in brackets${globalThis.gc === undefined ? '; run with node --expose-gc to collect garbage before each sample' : ', after a full GC'}): ${gw.rss.map((s) => `${s.after}: ${mb(s.rss)} (${mb(s.heapUsed)}, ${mb(s.arrayBuffers)})`).join(', ')}`,
);
// From the first tenth on (after warm-up): how much RSS grew per picture stored.
const [first, last] = [gw.rss[1], gw.rss.at(-1)];
if (first !== undefined && last !== undefined && last.after > first.after)
  console.log(
    `RSS from picture ${first.after} to ${last.after}: ${mb(first.rss)} → ${mb(last.rss)} MB, ${((last.rss - first.rss) / 1024 / (last.after - first.after)).toFixed(1)} KB per picture`,
  );
console.log(
  `${LARGE_FILES} files of ${LARGE_MB} MB kept one after another: at most ${mb(gw.peak.rss)} MB more RSS and ${mb(gw.peak.arrayBuffers)} MB more Buffers than before (Buffers count garbage not yet collected too)`,
);
for (const [name, f] of [
  ['a media message (file-transfer document with preview)', gw.mediaFetch],
  ['a text message', gw.textFetch],
])
  console.log(
    `Fetch of ${name}, ${FETCHES} calls: p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, ${f.bytes} bytes`,
  );
