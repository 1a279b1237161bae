// Throughput of queue workers: 1 worker process against 2, each with the same concurrency, sending
// through a loopback provider in its own child process, with a redis-server of its own.
// Usage: npm run bench:queue [-- --messages 4000 --concurrency 16 --latency 0,20 --rounds 2]
// --latency: the provider's answer delay in ms, one run per value (0: CPU-bound on this machine;
// a real provider answers in tens of ms). Rounds alternate 1 and 2 workers. Prints msgs/s and the
// ratio; a measurement, so it always exits 0. Needs redis-server on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { enqueueMessages, JOB_OPTIONS } from '../packages/queue/dist/enqueue.js';
import { scratch } from './scratch.mjs';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '16' },
    latency: { type: 'string', default: '0,20' },
    rounds: { type: 'string', default: '2' },
  },
});
const N = Number(values.messages);
const C = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('redis-server is not installed (apt-get install redis-server): nothing to measure');
  process.exit(0);
}

const children = [];
const dir = await scratch('switchboard-bench-queue-');
const port = await freePort();
const redisUrl = `redis://127.0.0.1:${port}`;
await start(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
  /Ready to accept connections/,
);
const redis = new Redis(redisUrl);

await writeFile(
  join(dir, 'bench.json'),
  JSON.stringify({
    id: 'bench',
    name: 'Bench',
    docs: 'https://example.com',
    parameters: { password: { description: 'key', required: true, secret: true } },
    numbers: { format: 'E164', defaultCountry: 'US' },
    services: {
      sendMessage: {
        url: 'http://127.0.0.1/send',
        contentType: 'application/json',
        body: { to: '%sms_to%', text: '%sms_body%', ref: '%message_id%' },
      },
    },
  }),
);
const account = join(dir, 'account.json');
await writeFile(account, JSON.stringify({ provider: './bench.json', password: 'secret' }));

console.log(
  `Queue workers: ${N} messages per round, concurrency ${C} per worker, ${cpus().length} cores; provider, Redis and workers all on this machine.`,
);
let round = 0;
for (const latency of values.latency.split(',').map(Number)) {
  const provider = await start(process.execPath, ['-e', providerSource(latency)], /listening (\d+)/);
  const origin = `http://127.0.0.1:${/listening (\d+)/.exec(provider.output())[1]}`;
  const rates = { 1: [], 2: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const workers of [1, 2]) rates[workers].push(await measure(workers, origin, `bench-${round++}`));
  }
  provider.child.kill();
  const best = (list) => Math.max(...list);
  console.log(
    `provider latency ${latency} ms: 1 worker ${rates[1].map(Math.round).join(', ')} msg/s; 2 workers ${rates[2].map(Math.round).join(', ')} msg/s; ratio (best of each) ${(best(rates[2]) / best(rates[1])).toFixed(2)}×`,
  );
}
redis.disconnect();
for (const c of children) c.child.kill();

/** One round: start `count` workers, enqueue N messages, time until all are recorded. */
async function measure(count, origin, queueName) {
  const workers = await Promise.all(
    Array.from({ length: count }, () =>
      start(
        process.execPath,
        [
          'dist/cli/main.js',
          'worker',
          '--redis',
          redisUrl,
          '--queue',
          queueName,
          '--origin',
          origin,
          '--concurrency',
          String(C),
        ],
        /ready/,
      ),
    ),
  );
  const queue = new Queue(queueName, { connection: redis, defaultJobOptions: JOB_OPTIONS });
  const items = Array.from({ length: N }, (_, i) => ({
    id: String(i + 1),
    to: `+1555${String(1000000 + i)}`,
    body: 'bench',
  }));
  const started = performance.now();
  await enqueueMessages(queue, redis, items, { account, campaign: queueName.replace('-', '.') });
  while ((await redis.hlen(`switchboard:${queueName}:sent`)) < N) await sleep(10);
  const seconds = (performance.now() - started) / 1000;
  await queue.close();
  await Promise.all(
    workers.map(async (w) => {
      w.child.kill('SIGTERM');
      await once(w.child, 'exit');
    }),
  );
  return N / seconds;
}

function providerSource(latency) {
  return `const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { const reply = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); ${latency > 0 ? `setTimeout(reply, ${latency})` : 'reply()'}; }); });
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));`;
}

async function start(command, args, readyLine) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const handle = { child, output: () => output };
  children.push(handle);
  const deadline = Date.now() + 10_000;
  while (!readyLine.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${command} did not start:\n${output}`);
    await sleep(10);
  }
  return handle;
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: p } = server.address();
  server.close();
  return p;
}
