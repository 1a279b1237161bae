// Bulk sending with the journal on against raw undici, on one loopback server in a child process.
// Usage: npm run bench:bulk [-- --messages 100000 --rounds 2 --concurrency 64]
// Prints throughput of each side (alternating rounds), the ratio (target >= 0.85) and RSS/heap
// before and after the library's rounds. Exit 0 always (a measurement), 1 with --strict on a miss.
// Raw undici is measured two ways: request() (the target's baseline: how undici is usually used)
// and dispatch() with a minimal handler (the floor: what the library itself builds on since it
// stopped using request()), so the library's own cost stays visible.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { accountFromValue, createConnector, createJsonlJournal, loadProvider, sendMany } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '64' },
    strict: { type: 'boolean' },
    'no-journal': { type: 'boolean' },
  },
});
const N = Number(values.messages);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

const SERVER = `const { createServer } = require('node:http');
const server = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-length': '0' }); res.end(); }); });
server.keepAliveTimeout = 15000; server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));`;
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
const origin = `http://127.0.0.1:${port}`;

const provider = await loadProvider('demo');
const account = accountFromValue({ provider: 'demo', username: 'johndow', password: '12345678' }, 'bench', undefined);
const sb = createConnector({ provider, account, origin, concurrency, retry: false });
const sample = sb.render('sendMessage', { sms_to: '+15552000000', sms_body: 'bulk' }, { showSecrets: true });
const [before, after] = sample.body.split('+15552000000');
const to = (i) => `+1555${String(2000000 + (i % 7999999))}`;

async function raw(n) {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10000 });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const res = await request(sample.url, {
          dispatcher: agent,
          method: 'POST',
          headers: sample.headers,
          body: before + to(i) + after,
        });
        await res.body.dump();
      }
    }),
  );
  await agent.close();
}

// The floor: the same requests through Agent.dispatch with a handler that only waits for the end.
async function floor(n) {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10000 });
  const { origin: o, pathname } = new URL(sample.url);
  let next = 0;
  const one = (i) =>
    new Promise((resolve, reject) => {
      agent.dispatch(
        { origin: o, path: pathname, method: 'POST', headers: sample.headers, body: before + to(i) + after },
        {
          onRequestStart() {},
          onResponseStart() {},
          onResponseData() {},
          onResponseEnd: resolve,
          onResponseError: (_c, e) => reject(e),
        },
      );
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await one(next++);
    }),
  );
  await agent.close();
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bulk-bench-'));
let run = 0;
async function lib(n) {
  const journal = values['no-journal'] ? undefined : createJsonlJournal(join(dir, `run-${run++}.jsonl`));
  function* items() {
    for (let i = 0; i < n; i++) yield { id: String(i), to: to(i), body: 'bulk' };
  }
  // uniqueIds as the CLI sets it for a CSV (ids are line numbers), so the run keeps no id set.
  const summary = await sendMany(
    sb,
    items(),
    journal === undefined ? { concurrency } : { journal, concurrency, uniqueIds: true },
  );
  if (summary.sent !== n) throw new Error(`only ${summary.sent} of ${n} sent`);
}

// Peak heap while the library sends (sampled every 100 ms), to show it stays flat during a run, not only after.
let peakHeap = 0;
const time = async (fn) => {
  const sampler =
    fn === lib ? setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100) : undefined;
  const t = performance.now();
  await fn(N);
  clearInterval(sampler);
  return N / ((performance.now() - t) / 1000);
};
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
console.log(
  `Bulk sending: ${N.toLocaleString('en')} messages a round, concurrency ${concurrency}, journal on (JSONL, write(2) per record, no fsync); server in a child process.`,
);
await raw(2000);
await floor(2000);
await lib(2000);
global.gc?.();
const memBefore = process.memoryUsage();
const ratios = [];
const floorRatios = [];
const fmt = (rate) => Math.round(rate).toLocaleString('en');
for (let r = 0; r < rounds; r++) {
  const rawRate = await time(raw);
  const floorRate = await time(floor);
  const libRate = await time(lib);
  ratios.push(libRate / rawRate);
  floorRatios.push(libRate / floorRate);
  console.log(
    `round ${r + 1}: raw request() ${fmt(rawRate)} msg/s, raw dispatch() ${fmt(floorRate)} msg/s, library + journal ${fmt(libRate)} msg/s; ratio ${(libRate / rawRate).toFixed(3)} to request(), ${(libRate / floorRate).toFixed(3)} to dispatch()`,
  );
}
global.gc?.();
const memAfter = process.memoryUsage();
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = median(ratios);
console.log(`\nmedian ratio to raw request() ${ratio.toFixed(3)} (target >= 0.85): ${ratio >= 0.85 ? 'PASS' : 'FAIL'}`);
console.log(
  `median ratio to raw dispatch() ${median(floorRatios).toFixed(3)} (no target: the floor the library builds on)`,
);
console.log(
  `memory over ${(N * rounds).toLocaleString('en')} journaled sends: rss ${mb(memBefore.rss)} -> ${mb(memAfter.rss)}, heap ${mb(memBefore.heapUsed)} -> ${mb(memAfter.heapUsed)}, peak heap while sending ${mb(peakHeap)}${global.gc ? '' : ' (run with node --expose-gc for settled figures)'}`,
);
await sb.close();
child.disconnect();
rmSync(dir, { recursive: true, force: true });
process.exitCode = values.strict && ratio < 0.85 ? 1 : 0;
