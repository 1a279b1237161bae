#!/usr/bin/env node
/**
 * Gateway bench (`npm run bench:gateway`), three figures, each with the RSS of the process that
 * serves it before and after its phase (read from /proc on Linux):
 *
 * 1. Inbound webhook ingest in requests/s: Twilio-signed inbound messages (form bodies, each a new
 *    MessageSid) POSTed to the gateway's /hooks/twilio/inbound (Fastify, signature check by the
 *    webhook library, reading, idempotent store, TwiML answer), as a ratio to a bare node:http
 *    server in the same run that parses the form, checks the same HMAC-SHA1 by hand, does the same
 *    insert through the same store and driver (insertInbound), and answers the same TwiML. Each
 *    server runs in a child process with a fresh database; rounds alternate bare, gateway, bare,
 *    gateway…, and each gateway round is divided by the mean of the bare rounds around it. On
 *    SQLite (WAL, synchronous=FULL, as the gateway runs) and on PostgreSQL when one is available
 *    (--postgres <url>, or initdb found under /usr/lib/postgresql/<v>/bin: started in a temp folder).
 *    Target: ratio >= 0.5.
 * 2. Fetch latency p50/p99 on SQLite with 100,000 stored messages and 50 devices: bench/gateway-fetch.mjs
 *    (steady 100 polls/s with inbound arrivals, saturation, first page, RSS), without its
 *    comparison to the branch point (run `npm run bench:fetch` for that).
 * 3. Send throughput in messages/s through the gateway (the app's /acrobits/send: credentials,
 *    the message recorded durably at the wire, the provider call, the outcome recorded, `{"sms_id"}`
 *    answered; SQLite with synchronous=FULL) against the same library behind a bare node:http
 *    server in its own process (read the JSON, call the connector, answer JSON: the least any HTTP
 *    front end over the library must do), both through the catalogue's Twilio file (form body,
 *    Basic auth, JSON answer) to one loopback Twilio, concurrency 16, four users in turn. Rounds
 *    alternate bare, gateway, bare…; each gateway round over the mean of the bare rounds around
 *    it. Target: ratio >= 0.5. With the RSS of both servers.
 *
 * Only loopback traffic. Default run well under 60 s on 2 cores; --requests N per round (default
 * 1000), --rounds N per kind (default 2), --poll-seconds N (default 5), --sends N per send round
 * (default 1000), --no-postgres, --only ingest|fetch|send.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { URLSearchParams, fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { fetchBench } from './gateway-fetch.mjs';
import { scratch } from './scratch.mjs';

const SELF = fileURLToPath(import.meta.url);
const TOKEN = 'bench-twilio-auth-token-0123456789';
const SID = 'AC0123456789abcdef0123456789abcdef';
const PUBLIC = 'http://127.0.0.1:1';
const HOOK = '/hooks/twilio/inbound';
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const OWN = '+15550100001';
const CONCURRENCY = 16;

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};

/** Twilio's signature: HMAC-SHA1 over the URL and the sorted pairs, base64. */
function twilioSignature(url, pairs) {
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha1', TOKEN)
    .update(url + sorted.map(([k, v]) => k + v).join(''), 'utf8')
    .digest('base64');
}

// ---------------------------------------------------------------- child processes (servers)

async function openStore(database) {
  if (database.startsWith('postgres')) {
    const { openPostgresStore } = await import('../packages/gateway/dist/store/postgres-store.js');
    return openPostgresStore(database);
  }
  const { openSqliteStore } = await import('../packages/gateway/dist/store/sqlite-store.js');
  return openSqliteStore(database);
}

/** The baseline: node:http, the same check by hand, the same insert, the same answer. */
async function serveBare(database) {
  const store = await openStore(database);
  const server = createHttpServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const pairs = [...new URLSearchParams(Buffer.concat(chunks).toString('utf8'))];
      const expected = Buffer.from(twilioSignature(PUBLIC + req.url, pairs));
      const given = Buffer.from(String(req.headers['x-twilio-signature'] ?? ''));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        res.writeHead(403).end();
        return;
      }
      const field = (k) => pairs.find(([key]) => key === k)?.[1] ?? '';
      store
        .insertInbound({
          login: 'alice',
          uid: randomUUID(),
          ownNumber: field('To'),
          peer: field('From'),
          text: field('Body'),
          contentType: 'text/plain',
          providerAccount: 'twilio.json',
          providerMessageId: field('MessageSid'),
          receivedAt: undefined,
          dedupeKey: `twilio\u001f${field('MessageSid')}`,
        })
        .then(
          () => res.writeHead(200, { 'content-type': 'text/xml' }).end(TWIML),
          () => res.writeHead(500).end(),
        );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${server.address().port}`;
}

/** The gateway from dist/, with one Twilio account and a user owning OWN (and users u0..u9 for Fetch). */
async function serveGateway(database) {
  const { hashPassword } = await import('../packages/gateway/dist/config/password.js');
  const { loadGateway } = await import('../packages/gateway/dist/config/load-gateway.js');
  const { startGateway } = await import('../packages/gateway/dist/server.js');
  const dir = await scratch('sb-bench-gateway-');
  await writeFile(
    join(dir, 'twilio.json'),
    JSON.stringify({ provider: 'twilio', username: SID, password: TOKEN, from: OWN }),
  );
  const hash = await hashPassword('bench-password');
  const users = [{ login: 'alice', passwordHash: hash, numbers: [OWN], account: 'twilio.json' }];
  for (let u = 0; u < 10; u++)
    users.push({ login: `u${u}`, passwordHash: hash, numbers: [`+1555020000${u}`], account: 'twilio.json' });
  const db = database.startsWith('postgres') ? { postgres: database } : { sqlite: database };
  const file = join(dir, 'gateway.json');
  await writeFile(file, JSON.stringify({ publicUrl: PUBLIC, users, database: db, push: { enabled: false } }));
  const gateway = await startGateway(await loadGateway(file), { port: 0 });
  return gateway.url;
}

/** The loopback provider of the send phase: reads each request and answers 200, as the demo provider's send does. */
/** A loopback Twilio: each message answered 201 with a fresh sid, as the Messages API does. */
async function serveProvider() {
  let sent = 0;
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const sid = `SM${(++sent).toString(16).padStart(32, '0')}`;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid, status: 'queued', error_code: null, error_message: null }));
    });
  });
  server.keepAliveTimeout = 10_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${server.address().port}`;
}

/**
 * The catalogue's Twilio file with its API at `providerOrigin` (form body, Basic auth, JSON answer:
 * the per-message costs of a real provider), and an account for it; the same files for the gateway
 * and the bare server.
 */
async function writeSendAccount(dir, providerOrigin) {
  const original = readFileSync(new URL('../providers/twilio.json', import.meta.url), 'utf8');
  await mkdir(join(dir, 'providers'), { recursive: true });
  await writeFile(join(dir, 'providers', 'twilio.json'), original.replaceAll('https://api.twilio.com', providerOrigin));
  const file = join(dir, 'twilio.json');
  await writeFile(
    file,
    JSON.stringify({ provider: './providers/twilio.json', username: SID, password: TOKEN, from: OWN }),
  );
  return file;
}

/** The send users: several, each with a number of its own, all sending through the Twilio account. */
const SENDERS = Array.from({ length: 4 }, (_, i) => ({
  login: `user${i}`,
  number: `+1555010${String(i).padStart(4, '0')}`,
}));

/** The gateway from dist/, its users sending through the loopback Twilio at `providerOrigin`. */
async function serveSendGateway(database, providerOrigin) {
  const { hashPassword } = await import('../packages/gateway/dist/config/password.js');
  const { loadGateway } = await import('../packages/gateway/dist/config/load-gateway.js');
  const { startGateway } = await import('../packages/gateway/dist/server.js');
  const dir = await scratch('sb-bench-send-');
  await writeSendAccount(dir, providerOrigin);
  const hash = await hashPassword('bench-password');
  const users = SENDERS.map((u) => ({
    login: u.login,
    passwordHash: hash,
    numbers: [u.number],
    account: 'twilio.json',
  }));
  const file = join(dir, 'gateway.json');
  await writeFile(
    file,
    JSON.stringify({ publicUrl: PUBLIC, users, database: { sqlite: database }, push: { enabled: false } }),
  );
  const gateway = await startGateway(await loadGateway(file), { port: 0 });
  return gateway.url;
}

/**
 * The baseline for Send: the same library behind a bare node:http server, the least any HTTP front
 * end over it must do: read the JSON body, call the connector, answer JSON. No authentication, no database.
 */
async function serveBareSend(providerOrigin) {
  const { createConnector, loadAccount, loadProvider } = await import('../dist/index.js');
  const dir = await scratch('sb-bench-bare-send-');
  const account = await loadAccount(await writeSendAccount(dir, providerOrigin));
  const connector = createConnector({ account, provider: await loadProvider(join(dir, 'providers', 'twilio.json')) });
  let ids = 0;
  const server = createHttpServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const [result] = await connector.sendMessage({ to: input.to, body: input.body });
      const ok = result?.ok === true;
      res.writeHead(ok ? 200 : 502, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { sms_id: String(++ids) } : { message: result?.error ?? 'failed' }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${server.address().port}`;
}

async function child(kind, database) {
  const servers = {
    bare: () => serveBare(database),
    gateway: () => serveGateway(database),
    provider: () => serveProvider(),
    'send-gateway': () => serveSendGateway(database, option('provider', '')),
    'send-bare': () => serveBareSend(option('provider', '')),
  };
  const url = await servers[kind]();
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

/** Starts a server child; resolves with its URL and a stop function. */
function startChild(kind, database, extra = []) {
  const proc = spawn(process.execPath, [SELF, '--child', kind, '--db', database, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line)
        resolve({
          url: JSON.parse(line).url,
          pid: proc.pid,
          stop: () => (proc.kill('SIGTERM'), once(proc, 'exit')),
        });
    });
    proc.once('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
}

// ---------------------------------------------------------------- memory

/** Resident set size of process `pid` in MB (from /proc; Linux), or of this process when `pid` is undefined. */
function rssMb(pid) {
  if (pid === undefined) return process.memoryUsage().rss / 2 ** 20;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? NaN : Number(kb) / 1024;
  } catch {
    return NaN;
  }
}

/** `name before → after MB` for the RSS line of a phase. */
const rssChange = (name, before, after) => `${name} ${before.toFixed(0)} → ${after.toFixed(0)} MB`;

// ---------------------------------------------------------------- load

/** Runs `jobs` (functions returning promises) at `concurrency`; returns per-job ms. */
async function drive(jobs, concurrency) {
  const times = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const start = performance.now();
      await job();
      times.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

function inboundRequests(tag, n) {
  return Array.from({ length: n }, (_, i) => {
    const pairs = [
      ['AccountSid', SID],
      ['MessageSid', `SM${tag}${String(i).padStart(8, '0')}`],
      ['From', '+15551231234'],
      ['To', OWN],
      ['Body', `bench message ${i} 🎉 & more`],
      ['NumMedia', '0'],
    ];
    return {
      body: new URLSearchParams(pairs).toString(),
      signature: twilioSignature(PUBLIC + HOOK, pairs),
    };
  });
}

async function ingestRound(url, tag, n, agent) {
  const requests = inboundRequests(tag, n);
  const start = performance.now();
  let bad = 0;
  await drive(
    requests.map((r) => async () => {
      const res = await request(`${url}${HOOK}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': r.signature },
        body: r.body,
      });
      if ((await res.body.text()) !== TWIML || res.statusCode !== 200) bad++;
    }),
    CONCURRENCY,
  );
  if (bad > 0) throw new Error(`${bad} of ${n} webhooks were not answered 200 with TwiML`);
  return n / ((performance.now() - start) / 1000);
}

async function ingestBench(label, databaseOf) {
  const n = Number(option('requests', '1000'));
  const rounds = Number(option('rounds', '2'));
  const bare = await startChild('bare', await databaseOf('bare'));
  const gateway = await startChild('gateway', await databaseOf('gateway'));
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  const rssBefore = [rssMb(gateway.pid), rssMb(bare.pid)];
  try {
    await ingestRound(bare.url, 'wb', 200, agent);
    await ingestRound(gateway.url, 'wg', 200, agent);
    const bareRates = [await ingestRound(bare.url, 'b0', n, agent)];
    const ratios = [];
    const gatewayRates = [];
    for (let r = 0; r < rounds; r++) {
      gatewayRates.push(await ingestRound(gateway.url, `g${r}`, n, agent));
      bareRates.push(await ingestRound(bare.url, `b${r + 1}`, n, agent));
      ratios.push(gatewayRates[r] / ((bareRates[r] + bareRates[r + 1]) / 2));
    }
    const median = ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `ingest ${label}: gateway ${mean(gatewayRates).toFixed(0)} req/s, bare node:http ${mean(bareRates).toFixed(0)} req/s, ` +
        `ratio ${median.toFixed(2)} (target >= 0.5) ${median >= 0.5 ? 'ok' : 'MISSED'}`,
    );
    console.log(
      `ingest ${label} RSS: ${rssChange('gateway', rssBefore[0], rssMb(gateway.pid))}, ` +
        rssChange('bare', rssBefore[1], rssMb(bare.pid)),
    );
  } finally {
    await agent.close();
    await bare.stop();
    await gateway.stop();
  }
}

// ---------------------------------------------------------------- send throughput

/** One round of `n` sends at CONCURRENCY through `sendOne(i)` (true when accepted); messages/s. */
async function sendRound(n, sendOne) {
  const start = performance.now();
  let bad = 0;
  await drive(
    Array.from({ length: n }, (_, i) => async () => {
      if (!(await sendOne(i))) bad++;
    }),
    CONCURRENCY,
  );
  if (bad > 0) throw new Error(`${bad} of ${n} sends were not accepted`);
  return n / ((performance.now() - start) / 1000);
}

/** Sends through `url`'s Send endpoint (the gateway's or the bare server's, same body) as the users in turn. */
function sender(url, agent, tag) {
  return async (i) => {
    const user = SENDERS[i % SENDERS.length];
    const res = await request(`${url}/acrobits/send`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: user.login,
        password: 'bench-password',
        to: '+15551231234',
        body: `${tag} ${i}`,
      }),
    });
    const body = await res.body.json();
    return res.statusCode === 200 && typeof body.sms_id === 'string';
  };
}

/**
 * Send through the gateway (SQLite, synchronous=FULL) against the same library behind a bare
 * node:http server, each in its own process, both through the catalogue's Twilio file to one
 * loopback Twilio; rounds alternate bare, gateway, bare…; each gateway round over the mean of the
 * bare rounds around it. Target: >= 0.5.
 */
async function sendBench() {
  const n = Number(option('sends', '1000'));
  const rounds = Number(option('rounds', '3'));
  const dir = await scratch('sb-bench-send-');
  const provider = await startChild('provider', '');
  const gateway = await startChild('send-gateway', join(dir, 'gateway.db'), ['--provider', provider.url]);
  const bare = await startChild('send-bare', '', ['--provider', provider.url]);
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  const viaBare = sender(bare.url, agent, 'bare');
  const viaGateway = sender(gateway.url, agent, 'gateway');
  const rssBefore = [rssMb(gateway.pid), rssMb(bare.pid)];
  try {
    await sendRound(200, viaBare);
    await sendRound(200, viaGateway); // includes each user's one scrypt
    const bareRates = [await sendRound(n, viaBare)];
    const gatewayRates = [];
    const ratios = [];
    for (let r = 0; r < rounds; r++) {
      gatewayRates.push(await sendRound(n, viaGateway));
      bareRates.push(await sendRound(n, viaBare));
      ratios.push(gatewayRates[r] / ((bareRates[r] + bareRates[r + 1]) / 2));
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `send SQLite (FULL), concurrency ${CONCURRENCY}, ${SENDERS.length} users, Twilio file: gateway ` +
        `${mean(gatewayRates).toFixed(0)} msg/s, library behind bare node:http ${mean(bareRates).toFixed(0)} msg/s, ` +
        `ratio median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(', ')})`,
    );
    console.log(
      `send RSS: ${rssChange('gateway', rssBefore[0], rssMb(gateway.pid))}, ${rssChange('bare', rssBefore[1], rssMb(bare.pid))}`,
    );
  } finally {
    await agent.close();
    await gateway.stop();
    await bare.stop();
    await provider.stop();
  }
}

// ---------------------------------------------------------------- PostgreSQL

async function freePort() {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** A PostgreSQL for the run: --postgres <url>, else initdb into a temp folder when installed, else undefined. */
async function postgresForRun() {
  if (argv.includes('--no-postgres')) return undefined;
  const given = option('postgres', undefined);
  if (given) return { url: given, stop: async () => undefined };
  const bin = ['17', '16', '15'].map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(join(d, 'initdb')));
  if (bin === undefined) return undefined;
  const root = userInfo().uid === 0;
  const run = (tool, args) => {
    const command = join(bin, tool);
    const r = root ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args]) : spawnSync(command, args);
    if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  };
  const dir = await scratch('sb-bench-pg-');
  if (root) {
    const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    await chown(dir, id('-u'), id('-g'));
  }
  await chmod(dir, 0o700);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'switchboard', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://switchboard@127.0.0.1:${port}/postgres`,
    stop: async () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
  };
}

async function createDatabase(server, name) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}

// ---------------------------------------------------------------- main

/** Inbound ingest on SQLite, then on PostgreSQL when one can be had. */
async function ingestAll() {
  const dir = await scratch('sb-bench-ingest-');
  await ingestBench('SQLite', async (kind) => join(dir, `${kind}.db`));
  const postgres = await postgresForRun().catch((error) => {
    console.log(`PostgreSQL not started (${error.message}); its ingest figure is skipped`);
    return undefined;
  });
  if (postgres === undefined) console.log('ingest PostgreSQL: skipped (no PostgreSQL; give --postgres <url>)');
  else
    try {
      const suffix = `${process.pid}_${Date.now()}`;
      await ingestBench('PostgreSQL', (kind) => createDatabase(postgres, `bench_${kind}_${suffix}`));
    } finally {
      await postgres.stop();
    }
}

async function main() {
  if (argv.includes('--help')) {
    console.log(
      'node bench/gateway.mjs [--only ingest|fetch|send] [--requests N] [--rounds N] [--poll-seconds N] [--sends N] [--postgres <url> | --no-postgres]',
    );
    return;
  }
  const started = performance.now();
  const only = option('only', undefined);
  if (only === undefined || only === 'ingest') await ingestAll();
  if (only === undefined || only === 'fetch')
    await fetchBench({ seconds: Number(option('poll-seconds', '5')), baseline: false });
  if (only === undefined || only === 'send') await sendBench();
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (argv[0] === '--child') await child(argv[1], option('db', ''));
else await main();
