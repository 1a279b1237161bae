#!/usr/bin/env node
/**
 * HTTP API bench (`npm run bench:api`): messages/s through the gateway's `POST /v1/messages` (an
 * API key checked, the body validated against its JSON Schema, the message recorded durably at
 * the wire, the provider call, the outcome recorded, the message read back and answered 202)
 * against the same library behind a bare node:http server in its own process (read the JSON, call
 * the connector, answer JSON: the least any HTTP front end over the library must do). Both send
 * through the catalogue's Twilio file (form body, Basic auth, JSON answer) to one loopback Twilio,
 * one recipient per request, concurrency 16, SQLite with synchronous=FULL for the gateway. Rounds
 * alternate bare, gateway, bare…; each gateway round is divided by the mean of the bare rounds
 * around it. Target: ratio >= 0.5. `--idempotency` sends every gateway request with its own
 * Idempotency-Key (one more durable write each).
 *
 * Only loopback traffic. --sends N per round (default 1000), --rounds N (default 3), --profile DIR
 * (a CPU profile of the gateway process, written there when it stops; with --profile-bare, of the
 * bare server's too), --verbose (each round's figures).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { scratch } from './scratch.mjs';

const SELF = fileURLToPath(import.meta.url);
const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'bench-twilio-auth-token-0123456789';
const OWN = '+15550100001';
const PEER = '+15551231234';
const CONCURRENCY = 16;

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};

// ---------------------------------------------------------------- servers (child processes)

/** A loopback Twilio: each message answered 201 with a fresh sid, as the Messages API does. */
async function serveProvider() {
  let sent = 0;
  const server = createServer((req, res) => {
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

/** The catalogue's Twilio file with its API at `origin`, and an account for it. */
async function writeAccount(dir, origin) {
  const original = readFileSync(new URL('../providers/twilio.json', import.meta.url), 'utf8');
  await mkdir(join(dir, 'providers'), { recursive: true });
  await writeFile(join(dir, 'providers', 'twilio.json'), original.replaceAll('https://api.twilio.com', origin));
  const file = join(dir, 'twilio.json');
  await writeFile(
    file,
    JSON.stringify({ provider: './providers/twilio.json', username: SID, password: TOKEN, from: OWN }),
  );
  return file;
}

/** The gateway from dist/ with one user and one API key (rate limit far above the load); prints its key too. */
async function serveGateway(origin) {
  const { hashPassword } = await import('../packages/gateway/dist/config/password.js');
  const { newApiKey } = await import('../packages/gateway/dist/api/keys.js');
  const { loadGateway } = await import('../packages/gateway/dist/config/load-gateway.js');
  const { startGateway } = await import('../packages/gateway/dist/server.js');
  const dir = await scratch('sb-bench-api-');
  await writeAccount(dir, origin);
  const { key, hash } = await newApiKey('bench');
  const gateway = {
    publicUrl: 'http://127.0.0.1:1',
    users: [{ login: 'bench', passwordHash: await hashPassword('x'), numbers: [OWN], account: 'twilio.json' }],
    apiKeys: [{ id: 'bench', hash, numbers: [OWN], rateLimit: { requests: 100_000, perSeconds: 1 } }],
    database: { sqlite: 'gateway.db' },
    push: { enabled: false },
  };
  await writeFile(join(dir, 'gateway.json'), JSON.stringify(gateway));
  const started = await startGateway(await loadGateway(join(dir, 'gateway.json')), { port: 0 });
  return { url: started.url, key };
}

/** The baseline: the same library behind a bare node:http server; no key, no validation, no database. */
async function serveBare(origin) {
  const { createConnector, loadAccount, loadProvider } = await import('../dist/index.js');
  const dir = await scratch('sb-bench-api-bare-');
  const account = await loadAccount(await writeAccount(dir, origin));
  const connector = createConnector({ account, provider: await loadProvider(join(dir, 'providers', 'twilio.json')) });
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const results = await connector.sendMessage({ to: input.to, body: input.text });
      const messages = results.map((r) => ({ to: r.to, status: r.ok ? 'sent' : 'failed', id: r.messageId }));
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messages }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}` };
}

async function child(kind) {
  const servers = {
    provider: serveProvider,
    gateway: () => serveGateway(option('provider', '')),
    bare: () => serveBare(option('provider', '')),
  };
  const made = await servers[kind]();
  process.stdout.write(`${JSON.stringify(typeof made === 'string' ? { url: made } : made)}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

function startChild(kind, extra = []) {
  // --profile DIR: the gateway writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile =
    (kind === 'gateway' || (kind === 'bare' && argv.includes('--profile-bare'))) && option('profile')
      ? ['--cpu-prof', '--cpu-prof-dir', option('profile')]
      : [];
  const proc = spawn(process.execPath, [...profile, SELF, '--child', kind, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...JSON.parse(line), pid: proc.pid, stop: () => (proc.kill('SIGTERM'), once(proc, 'exit')) });
    });
    proc.once('exit', (code) => reject(new Error(`${kind} exited ${code}`)));
  });
}

// ---------------------------------------------------------------- load

/** CPU seconds in user and system mode a child process (all its threads) has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 }; // clock ticks (USER_HZ 100)
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

/** CPU microseconds per message that `server` spent over `n` sends of `run` (and of it, in system mode), beside its rate. */
async function measured(server, n, run) {
  const before = cpuSeconds(server.pid);
  const rate = await run();
  const after = cpuSeconds(server.pid);
  const user = ((after.user - before.user) * 1e6) / n;
  const system = ((after.system - before.system) * 1e6) / n;
  return { rate, cpuUs: user + system, systemUs: system };
}

/** One round of `n` sends at CONCURRENCY; messages/s. Every send must be answered 202 and sent. */
async function round(n, sendOne) {
  let next = 0;
  let bad = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < n) if (!(await sendOne(next++))) bad++;
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (bad > 0) throw new Error(`${bad} of ${n} sends were not sent`);
  return n / ((performance.now() - start) / 1000);
}

function sender(server, agent, tag, idempotency) {
  return async (i) => {
    const headers = { 'content-type': 'application/json' };
    if (server.key !== undefined) headers.authorization = `Bearer ${server.key}`;
    if (idempotency) headers['idempotency-key'] = `${tag}-${i}-${performance.now()}`;
    const res = await request(`${server.url}/v1/messages`, {
      method: 'POST',
      dispatcher: agent,
      headers,
      body: JSON.stringify({ from: OWN, to: [PEER], text: `${tag} ${i}` }),
    });
    const body = await res.body.json();
    return res.statusCode === 202 && body.messages?.[0]?.status === 'sent';
  };
}

async function main() {
  const n = Number(option('sends', '1000'));
  const rounds = Number(option('rounds', '3'));
  const idempotency = argv.includes('--idempotency');
  const provider = await startChild('provider');
  const gateway = await startChild('gateway', ['--provider', provider.url]);
  const bare = await startChild('bare', ['--provider', provider.url]);
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  const viaBare = sender(bare, agent, 'bare', false);
  const viaGateway = sender(gateway, agent, 'api', idempotency);
  try {
    await round(200, viaBare);
    await round(200, viaGateway); // includes the key's one scrypt
    const first = await measured(bare, n, () => round(n, viaBare));
    const bareRates = [first.rate];
    const cpu = { bare: [first.cpuUs], api: [], bareSystem: [first.systemUs], apiSystem: [] };
    const apiRates = [];
    const ratios = [];
    for (let r = 0; r < rounds; r++) {
      const api = await measured(gateway, n, () => round(n, viaGateway));
      const plain = await measured(bare, n, () => round(n, viaBare));
      apiRates.push(api.rate);
      bareRates.push(plain.rate);
      cpu.api.push(api.cpuUs);
      cpu.bare.push(plain.cpuUs);
      cpu.apiSystem.push(api.systemUs);
      cpu.bareSystem.push(plain.systemUs);
      ratios.push(apiRates[r] / ((bareRates[r] + bareRates[r + 1]) / 2));
      if (argv.includes('--verbose'))
        console.log(
          `round ${r + 1}: gateway ${api.rate.toFixed(0)} msg/s, ${api.cpuUs.toFixed(0)} µs CPU; ` +
            `bare after it ${plain.rate.toFixed(0)} msg/s, ${plain.cpuUs.toFixed(0)} µs CPU`,
        );
    }
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
    console.log(
      `POST /v1/messages, SQLite (FULL), concurrency ${CONCURRENCY}, Twilio file${idempotency ? ', an Idempotency-Key each' : ''}: ` +
        `gateway ${mean(apiRates).toFixed(0)} msg/s, library behind bare node:http ${mean(bareRates).toFixed(0)} msg/s, ` +
        `ratio median ${median.toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(', ')}; target >= 0.5)`,
    );
    // Throughput shares the machine's cores with the client, the provider and anything else running;
    // CPU time per message is each server's own cost, and the steadier figure on a busy machine.
    console.log(
      `CPU per message: gateway ${mean(cpu.api).toFixed(0)} µs (system ${mean(cpu.apiSystem).toFixed(0)}), ` +
        `bare ${mean(cpu.bare).toFixed(0)} µs (system ${mean(cpu.bareSystem).toFixed(0)}), ` +
        `ratio ${(mean(cpu.bare) / mean(cpu.api)).toFixed(2)}`,
    );
  } finally {
    await agent.close();
    await gateway.stop();
    await bare.stop();
    await provider.stop();
  }
}

if (argv[0] === '--child') await child(argv[1]);
else await main();
