#!/usr/bin/env node
/**
 * Outbox bench (`npm run bench:outbox`): webhook deliveries to the application per second, the
 * gateway's outbox dispatcher against a bare sign-and-POST loop, in the same run, alternating rounds.
 *   - bare: the least any deliverer must do: for each of N events, sign it as Standard Webhooks
 *     says (one HMAC-SHA256) and POST it with undici, `CONCURRENCY` at once, to the same receiver;
 *     nothing durable.
 *   - outbox: N inbound messages stored first (each with its event, in the same transaction), then
 *     a gateway started on that SQLite file delivers them: claim under a lease, sign, POST, record
 *     the result durably (synchronous = FULL), with the subscription's `concurrency` the same.
 * Both are timed from the receiver's first request to its N-th. The receiver is a bare node:http
 * server answering 204 in this process. Target: outbox/bare >= 0.5. `--strict` exits 1 on a miss.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { hashPassword, loadGateway, startGateway } from '@switchboard/gateway';
import { openSqliteStore } from '@switchboard/gateway/internal/store/sqlite-store.js';
import { createOutboxWriter } from '@switchboard/gateway/internal/outbox/events.js';
import { scratch } from './scratch.mjs';

const strict = process.argv.includes('--strict');
const N = Number(process.env.BENCH_OUTBOX_N ?? 2000);
const ROUNDS = 3;
const CONCURRENCY = 8;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const KEY = Buffer.from(SECRET.slice(6), 'base64');

/** A receiver that answers 204 and calls `onCount` with how many it has seen. */
async function startReceiver() {
  let seen = 0;
  let first = 0;
  let done = () => undefined;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (seen++ === 0) first = performance.now();
      res.writeHead(204).end();
      if (seen === target) done(performance.now() - first);
    });
  });
  let target = N;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/events`,
    /** Resolves with the ms from the first request to the `n`-th from now on. */
    expect(n) {
      seen = 0;
      target = n;
      return new Promise((resolve) => (done = resolve));
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const payload = (i) =>
  JSON.stringify({
    type: 'message.received',
    timestamp: new Date().toISOString(),
    data: { id: randomUUID(), text: `hello ${i}` },
  });

async function bare(receiver) {
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const took = receiver.expect(N);
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      const body = payload(i);
      const id = `msg_${randomUUID().replaceAll('-', '')}`;
      const ts = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', KEY).update(`${id}.${ts}.${body}`).digest('base64');
      const headers = {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,${signature}`,
      };
      const response = await request(receiver.url, { method: 'POST', headers, body, dispatcher: agent });
      await response.body.dump();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = await took;
  await agent.close();
  return ms;
}

async function outbox(receiver) {
  const dir = await scratch('sb-bench-outbox-');
  await writeFile(
    join(dir, 'account.json'),
    JSON.stringify({ provider: 'demo', username: 'u', password: 'p', from: '' }),
  );
  const file = join(dir, 'gateway.json');
  const subscription = {
    name: 'app',
    url: receiver.url,
    events: ['message.received'],
    secret: SECRET,
    concurrency: CONCURRENCY,
  };
  const user = {
    login: 'alice',
    passwordHash: await hashPassword('bench-password'),
    numbers: ['+15550100001'],
    account: 'account.json',
  };
  await writeFile(
    file,
    JSON.stringify({
      publicUrl: 'http://127.0.0.1:8080',
      users: [user],
      database: { sqlite: 'gateway.db' },
      push: { enabled: false },
      subscriptions: [subscription],
    }),
  );
  const config = await loadGateway(file);
  const store = openSqliteStore(config.database.file, createOutboxWriter(config.subscriptions));
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      store.insertInbound({
        login: 'alice',
        uid: randomUUID(),
        ownNumber: '+15550100001',
        peer: '+15551231234',
        text: `hello ${i}`,
        contentType: 'text/plain',
        providerAccount: 'account.json',
        providerMessageId: `p-${i}`,
        receivedAt: undefined,
        dedupeKey: `k-${i}`,
      }),
    ),
  );
  await store.close();
  const took = receiver.expect(N);
  const gateway = await startGateway(config, { port: 0 });
  const ms = await took;
  await gateway.close();
  return ms;
}

const receiver = await startReceiver();
const rates = { bare: [], outbox: [] };
for (let round = 0; round < ROUNDS; round++) {
  rates.bare.push((N * 1000) / (await bare(receiver)));
  rates.outbox.push((N * 1000) / (await outbox(receiver)));
}
await receiver.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const b = median(rates.bare);
const o = median(rates.outbox);
const ratio = o / b;
console.log(
  `deliveries/s (median of ${ROUNDS} rounds of ${N}, concurrency ${CONCURRENCY}): bare ${b.toFixed(0)}, outbox ${o.toFixed(0)}`,
);
console.log(`outbox/bare ${ratio.toFixed(2)} (target >= 0.5) ${ratio >= 0.5 ? 'ok' : 'MISS'}`);
if (strict && ratio < 0.5) process.exitCode = 1;
