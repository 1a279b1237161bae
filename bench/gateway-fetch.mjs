#!/usr/bin/env node
/**
 * Fetch bench (`npm run bench:fetch`): what the Acrobits app gets from Fetch on a gateway holding
 * 100,000 messages (SQLite, WAL, synchronous=FULL, as `serve` runs), against the same bench run
 * on the branch point in the same session (`--baseline-ref`, default 0897130, unpacked with
 * `git archive` into a temp folder and built there; `--no-baseline` skips it).
 *
 * Each version serves from a child process with a freshly seeded file: 10 users with 10,000
 * messages each (texts of about 70 bytes): five who talk (half received, half sent) and five who
 * only receive (their app's sent cursor stays empty, the case that read the whole history on every
 * poll), and a user `long` with 2,000 received texts of 1,600 bytes. Phases, each printing p50/p99 and the gateway's RSS:
 *
 * 1. Steady polls: 50 devices (5 per user) each Fetch every 0.5 s (100 polls/s) for --seconds,
 *    with their own cursors taken from the answers as the app does, while Twilio-signed inbound
 *    messages arrive through /hooks/twilio/inbound (--arrivals per second). Latency counts from
 *    the moment a poll was due, so a gateway that falls behind shows its backlog (no coordinated
 *    omission). Target: p99 < 20 ms.
 * 2. Saturation: the same 50 devices poll back to back for --seconds; polls/s and latency.
 * 3. First page: one device with no cursor, one Fetch after another (--first N): a full page of
 *    short texts (500 + 500), and one of the `long` user's texts. Target: p99 < 50 ms.
 *
 * `export async function fetchBench(options)` runs the same from bench/gateway.mjs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { URLSearchParams, fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { scratch } from './scratch.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SELF), '..');
const TOKEN = 'bench-twilio-auth-token-0123456789';
const SID = 'AC0123456789abcdef0123456789abcdef';
const PUBLIC = 'http://127.0.0.1:1';
const HOOK = '/hooks/twilio/inbound';
const USERS = 10;
const PER_USER = 10_000;
const DEVICES = 50;
const LONG = { login: 'long', number: '+15550201000', messages: 2_000, bytes: 1_600 };
const numberOf = (u) => `+1555020000${u}`;
/** Users u5..u9 only receive. */
const listens = (u) => u >= USERS / 2;

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};

/**
 * The gateway's built file `path` in the checkout `root`: packages/gateway/dist since the workspace
 * split, dist/gateway before it (so an older checkout can still be the baseline).
 */
const gatewayDist = (root, path) =>
  existsSync(join(root, 'packages/gateway/dist'))
    ? join(root, 'packages/gateway/dist', path)
    : join(root, 'dist/gateway', path);

// ---------------------------------------------------------------- the gateway, in a child

/** Starts the gateway built in `root`/dist on `file`; prints its URL. */
async function child(root, file) {
  const { hashPassword } = await import(gatewayDist(root, 'config/password.js'));
  const { loadGateway } = await import(gatewayDist(root, 'config/load-gateway.js'));
  const { startGateway } = await import(gatewayDist(root, 'server.js'));
  const dir = await scratch('sb-bench-fetch-config-');
  await writeFile(join(dir, 'twilio.json'), JSON.stringify({ provider: 'twilio', username: SID, password: TOKEN }));
  const hash = await hashPassword('bench-password');
  const user = (login, number) => ({ login, passwordHash: hash, numbers: [number], account: 'twilio.json' });
  const users = [...Array.from({ length: USERS }, (_, u) => user(`u${u}`, numberOf(u))), user(LONG.login, LONG.number)];
  const config = join(dir, 'gateway.json');
  await writeFile(
    config,
    JSON.stringify({ publicUrl: PUBLIC, users, database: { sqlite: file }, push: { enabled: false } }),
  );
  const gateway = await startGateway(await loadGateway(config), { port: 0 });
  process.stdout.write(`${JSON.stringify({ url: gateway.url })}\n`);
  process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
}

function startChild(root, file) {
  const proc = spawn(process.execPath, [SELF, '--child', '--root', root, '--db', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line)
        resolvePromise({
          url: JSON.parse(line).url,
          pid: proc.pid,
          stop: () => (proc.kill('SIGTERM'), once(proc, 'exit')),
        });
    });
    proc.once('exit', (code) => reject(new Error(`gateway exited ${code}`)));
  });
}

/** Resident and peak resident set of `pid` in MB (Linux /proc). */
function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
    return { rss: mb('VmRSS'), peak: mb('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

// ---------------------------------------------------------------- data

/** Writes the messages straight into a file migrated by `root`'s own store. */
async function seed(root, file) {
  const { openSqliteStore } = await import(gatewayDist(root, 'store/sqlite-store.js'));
  await (await openSqliteStore(file)).close();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  const insert = db.prepare(`INSERT INTO messages (login, seq, uid, direction, peer, own_number, body, content_type,
    disposition_notification, sending_date, created_ms, provider_account, provider_message_id, status, status_rank,
    send_state, error, dedupe_key, owner) VALUES (?, ?, ?, ?, ?, ?, ?, 'text/plain', '', ?, ?, 'twilio.json', ?,
    'delivered', 3, ?, NULL, ?, NULL)`);
  const counter = db.prepare('INSERT INTO user_counters (login, last_seq) VALUES (?, ?)');
  const now = Date.now();
  const row = (login, number, seq, out, text) =>
    insert.run(
      login,
      seq,
      randomUUID(),
      out ? 'out' : 'in',
      `+1555123${String(seq % 100).padStart(4, '0')}`,
      number,
      text,
      new Date(now - (PER_USER - seq) * 1000).toISOString(),
      now,
      `SM${login}-${seq}`,
      out ? 'sent' : null,
      out ? null : `k${login}-${seq}`,
    );
  db.transaction(() => {
    for (let u = 0; u < USERS; u++) {
      for (let seq = 1; seq <= PER_USER; seq++)
        row(
          `u${u}`,
          numberOf(u),
          seq,
          !listens(u) && seq % 2 === 0,
          `message ${seq} of u${u}: see you at 8, bring the "usual" 🎉`,
        );
      counter.run(`u${u}`, PER_USER);
    }
    for (let seq = 1; seq <= LONG.messages; seq++)
      row(LONG.login, LONG.number, seq, false, `${seq} ${'long text é '.repeat(LONG.bytes / 13)}`.slice(0, LONG.bytes));
    counter.run(LONG.login, LONG.messages);
  })();
  db.close();
}

// ---------------------------------------------------------------- load

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const summary = (times) => `p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`;

/** A device of the app: its login and its cursors, moved from each answer as the app does. */
function device(d) {
  const u = d % USERS;
  return listens(u)
    ? { login: `u${u}`, name: `d${d}`, received: String(PER_USER), sent: '' }
    : { login: `u${u}`, name: `d${d}`, received: String(PER_USER - 1), sent: String(PER_USER) };
}

async function fetchAs(url, agent, dev) {
  const res = await request(`${url}/acrobits/fetch`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: dev.login,
      password: 'bench-password',
      device: dev.name,
      last_known_sms_id: dev.received,
      last_known_sent_sms_id: dev.sent,
    }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`fetch answered ${res.statusCode}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  const last = (list) => list.at(-1)?.sms_id;
  dev.received = last(body.received_smss) ?? dev.received;
  dev.sent = last(body.sent_smss) ?? dev.sent;
  return { body, bytes: Buffer.byteLength(text) };
}

const twilioSignature = (url, pairs) =>
  createHmac('sha1', TOKEN)
    .update(
      url +
        [...pairs]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => k + v)
          .join(''),
      'utf8',
    )
    .digest('base64');

/** Posts Twilio-signed inbound messages at `perSecond` until `until`; returns how many were stored. */
async function arrivals(url, agent, perSecond, until) {
  let n = 0;
  const start = performance.now();
  while (performance.now() < until) {
    const due = start + (n * 1000) / perSecond;
    if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    const u = n % USERS;
    const pairs = [
      ['AccountSid', SID],
      ['MessageSid', `SMbench${process.pid}${Date.now()}${n}`],
      ['From', '+15551231234'],
      ['To', numberOf(u)],
      ['Body', `arrival ${n} for u${u}`],
      ['NumMedia', '0'],
    ];
    const res = await request(`${url}${HOOK}`, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(PUBLIC + HOOK, pairs),
      },
      body: new URLSearchParams(pairs).toString(),
    });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}`);
    n++;
  }
  return n;
}

/** Each device polls every `periodMs`; latency counts from when the poll was due. */
async function steady(url, agent, devices, periodMs, until) {
  const times = [];
  let got = 0;
  const poller = async (dev, offset) => {
    let due = performance.now() + offset;
    while (due < until) {
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      const { body } = await fetchAs(url, agent, dev);
      times.push(performance.now() - due);
      got += body.received_smss.length;
      due += periodMs;
    }
  };
  await Promise.all(devices.map((dev, i) => poller(dev, (i * periodMs) / devices.length)));
  return { times, got };
}

/** Every device polls back to back until `until`. */
async function saturate(url, agent, devices, until) {
  const times = [];
  await Promise.all(
    devices.map(async (dev) => {
      while (performance.now() < until) {
        const start = performance.now();
        await fetchAs(url, agent, dev);
        times.push(performance.now() - start);
      }
    }),
  );
  return times;
}

/** One device from no cursor, `n` times one after another. */
async function firstPages(url, agent, login, n) {
  const times = [];
  let page;
  for (let i = 0; i < n; i++) {
    const dev = { login, name: 'first', received: '', sent: '' };
    const start = performance.now();
    page = await fetchAs(url, agent, dev);
    times.push(performance.now() - start);
  }
  return { times, received: page.body.received_smss.length, sent: page.body.sent_smss.length, bytes: page.bytes };
}

/**
 * The store's own cost per Fetch, in this process (no HTTP, no JSON): the part this bench's
 * changes touch, steadier than HTTP latency on a loaded machine. Median ms of `n` calls.
 */
async function storeCosts(root, file) {
  const { openSqliteStore } = await import(gatewayDist(root, 'store/sqlite-store.js'));
  const store = openSqliteStore(file);
  // Before byte bounds the third argument was a count.
  const page = existsSync(gatewayDist(root, 'store/fetch-statements.js')) ? { count: 500, bytes: 262_144 } : 500;
  const median = async (cursors, login, n) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await store.fetch(login, cursors, page);
      times.push(performance.now() - start);
    }
    return pct(times, 50);
  };
  try {
    return {
      talker: await median({ received: PER_USER - 1, sent: PER_USER }, 'u0', 500),
      listener: await median({ received: PER_USER, sent: undefined }, `u${USERS - 1}`, 500),
      first: await median({ received: undefined, sent: undefined }, 'u0', 50),
    };
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------- one version

async function benchOne(label, root, opts) {
  const dir = await scratch('sb-bench-fetch-');
  const file = join(dir, 'gateway.db');
  const seeding = performance.now();
  await seed(root, file);
  const line = (text) => console.log(`${label}: ${text}`);
  line(`seeded ${USERS * PER_USER + LONG.messages} messages in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const results = { store: await storeCosts(root, file) };
  line(
    `store.fetch alone, median: caught-up talker ${results.store.talker.toFixed(2)} ms, caught-up listener ` +
      `(no sent cursor) ${results.store.listener.toFixed(2)} ms, first page ${results.store.first.toFixed(2)} ms`,
  );
  const gateway = await startChild(root, file);
  const agent = new Agent({ connections: DEVICES + 4, keepAliveTimeout: 30_000 });
  try {
    const devices = Array.from({ length: DEVICES }, (_, d) => device(d));
    // Each user's password is checked once (scrypt), then remembered: not part of any figure.
    await Promise.all(devices.map((dev) => fetchAs(gateway.url, agent, dev)));
    const rss0 = memory(gateway.pid).rss;

    const until = performance.now() + opts.seconds * 1000;
    const [polls, arrived] = await Promise.all([
      steady(gateway.url, agent, devices, 500, until),
      arrivals(gateway.url, agent, opts.arrivals, until),
    ]);
    results.steady = { p50: pct(polls.times, 50), p99: pct(polls.times, 99) };
    line(
      `steady, ${DEVICES} devices every 0.5 s with ${arrived} inbound arrivals: ${polls.times.length} polls ` +
        `(${(polls.times.length / opts.seconds).toFixed(0)}/s), ${polls.got} messages delivered, ${summary(polls.times)} ` +
        `(target p99 < 20 ms); RSS ${memory(gateway.pid).rss.toFixed(0)} MB`,
    );

    const sat = await saturate(gateway.url, agent, devices, performance.now() + opts.seconds * 1000);
    results.saturated = { rate: sat.length / opts.seconds, p99: pct(sat, 99) };
    line(
      `saturated, ${DEVICES} devices back to back: ${(sat.length / opts.seconds).toFixed(0)} polls/s, ${summary(sat)}; ` +
        `RSS ${memory(gateway.pid).rss.toFixed(0)} MB`,
    );

    const short = await firstPages(gateway.url, agent, 'u0', opts.first);
    results.first = { p50: pct(short.times, 50), p99: pct(short.times, 99) };
    line(
      `first page, one device, no cursor (${short.received} received + ${short.sent} sent, ${(short.bytes / 1024).toFixed(0)} KiB): ` +
        `${summary(short.times)} (target p99 < 50 ms)`,
    );
    const long = await firstPages(gateway.url, agent, LONG.login, opts.first);
    results.firstLong = { p50: pct(long.times, 50), p99: pct(long.times, 99), bytes: long.bytes };
    const mem = memory(gateway.pid);
    line(
      `first page of ${LONG.bytes}-byte texts (${long.received} received, ${(long.bytes / 1024).toFixed(0)} KiB): ` +
        `${summary(long.times)}; RSS ${rss0.toFixed(0)} → ${mem.rss.toFixed(0)} MB, peak ${mem.peak.toFixed(0)} MB`,
    );
  } finally {
    await agent.close();
    await gateway.stop();
  }
  return results;
}

/** The branch point's sources, unpacked from git and built, with this checkout's node_modules. */
async function baselineRoot(ref) {
  const dir = await scratch('sb-bench-fetch-base-');
  const archive = spawnSync('git', ['-C', ROOT, 'archive', '--format=tar', ref], { maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`building ${ref} failed: ${build.stdout}${build.stderr}`);
  return dir;
}

/**
 * Runs the Fetch bench on this checkout's dist/ and, unless `baseline` is false, on `baselineRef`.
 * @param {{ seconds?: number, arrivals?: number, first?: number, baseline?: boolean, baselineRef?: string }} options
 */
export async function fetchBench(options = {}) {
  const opts = { seconds: 10, arrivals: 20, first: 30, baseline: true, baselineRef: '0897130', ...options };
  const ours = await benchOne('fetch (this tree)', ROOT, opts);
  if (!opts.baseline) return { ours };
  let root;
  try {
    root = await baselineRoot(opts.baselineRef);
  } catch (error) {
    console.log(`fetch baseline ${opts.baselineRef} skipped: ${error.message}`);
    return { ours };
  }
  const base = await benchOne(`fetch (${opts.baselineRef})`, root, opts);
  const ratio = (a, b) => (b / a).toFixed(1);
  console.log(
    `fetch, this tree against ${opts.baselineRef}: store caught-up listener ${ours.store.listener.toFixed(2)} vs ` +
      `${base.store.listener.toFixed(2)} ms, store first page ${ours.store.first.toFixed(2)} vs ${base.store.first.toFixed(2)} ms, steady p99 ${ours.steady.p99.toFixed(1)} vs ${base.steady.p99.toFixed(1)} ms ` +
      `(${ratio(ours.steady.p99, base.steady.p99)}× lower), saturated ${ours.saturated.rate.toFixed(0)} vs ` +
      `${base.saturated.rate.toFixed(0)} polls/s, first page p99 ${ours.first.p99.toFixed(1)} vs ${base.first.p99.toFixed(1)} ms, ` +
      `long first page ${(ours.firstLong.bytes / 1024).toFixed(0)} vs ${(base.firstLong.bytes / 1024).toFixed(0)} KiB`,
  );
  return { ours, base };
}

// Run as a script (not when bench/gateway.mjs imports fetchBench): the bench, or one of its children.
if (resolve(process.argv[1] ?? '') === SELF) {
  if (argv[0] === '--child') await child(option('root', ROOT), option('db', ''));
  else if (argv.includes('--help'))
    console.log(
      'node bench/gateway-fetch.mjs [--seconds N] [--arrivals N/s] [--first N] [--baseline-ref REF | --no-baseline]',
    );
  else {
    if (!existsSync(gatewayDist(ROOT, 'server.js'))) throw new Error('run npm run build first');
    await fetchBench({
      seconds: Number(option('seconds', '10')),
      arrivals: Number(option('arrivals', '20')),
      first: Number(option('first', '30')),
      baseline: !argv.includes('--no-baseline'),
      baselineRef: option('baseline-ref', '0897130'),
    });
  }
}
