// Measures how closely sends follow a provider's declared rate limits, against a loopback server.
// Usage: npm run bench:rates [-- --provider dialogtech --scale 10 --messages 240]
// --scale divides every window by that factor (10: DialogTech's 60 s window becomes 6 s) so a run
// takes seconds; the limiter's accuracy does not depend on the window length. Exit 0 always
// (a measurement), 1 with --strict when a check fails.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { accountFromValue, createConnector, providerFromValue } from '../dist/index.js';
import { readFile } from 'node:fs/promises';
import { Agent } from 'undici';

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'dialogtech' },
    scale: { type: 'string', default: '10' },
    messages: { type: 'string', default: '240' },
    strict: { type: 'boolean' },
  },
});
const scale = Number(values.scale);
const count = Number(values.messages);

const file = JSON.parse(await readFile(new URL(`../providers/${values.provider}.json`, import.meta.url), 'utf8'));
const declared = file.rateLimits ?? [];
if (declared.length === 0) throw new Error(`${values.provider} declares no rate limits`);
file.rateLimits = declared.map((l) => ({ ...l, perSeconds: l.perSeconds / scale }));
const provider = providerFromValue(file, `providers/${values.provider}.json`);

const arrivals = [];
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    arrivals.push(performance.now());
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end('<response><result>success</result><result_description>[1] Message Sent</result_description></response>');
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const account = accountFromValue(
  { provider: values.provider, username: 'bench', password: 'secret', from: '5554332111' },
  'bench',
  undefined,
);
// Dispatch times are where the limiter acts: an interceptor records each request as it goes out.
const dispatched = [];
const dispatcher = new Agent({ connections: 64 }).compose((dispatch) => (opts, handler) => {
  dispatched.push(performance.now());
  return dispatch(opts, handler);
});
const sb = createConnector({ provider, account, origin, concurrency: 64, retry: false, dispatcher });
const recipients = Array.from({ length: count }, (_, i) => `555${String(2000000 + i)}`);
console.log(
  `Rate limits of ${values.provider}, windows divided by ${scale}; ${count} messages from one sending number, concurrency 64, loopback server in this process.`,
);
const started = performance.now();
const results = await sb.sendMessage({ to: recipients, body: 'rate check' });
const elapsed = performance.now() - started;
await sb.close();
await dispatcher.close();
server.close();

let ok = true;
console.log(`sent ${results.filter((r) => r.ok).length}/${count} in ${(elapsed / 1000).toFixed(2)} s\n`);
// Over a long run the limit with the lowest rate decides the pace (with one sending number and
// one account, every limit applies to every message).
const rate = (l) => l.requests / l.perSeconds;
const binding = file.rateLimits.reduce((a, b) => (rate(b) < rate(a) ? b : a));
const mostInWindow = (times, windowMs) => {
  let worst = 0;
  for (const t of times) worst = Math.max(worst, times.filter((o) => o >= t && o < t + windowMs).length);
  return worst;
};
for (const limit of file.rateLimits) {
  const windowMs = limit.perSeconds * 1000;
  const worst = mostInWindow(dispatched, windowMs);
  const arrivedWorst = mostInWindow(arrivals, windowMs);
  const first = dispatched[0];
  const windows = Math.floor((dispatched.at(-1) - first) / windowMs);
  const sustained = windows > 0 ? dispatched.filter((t) => t < first + windows * windowMs).length / windows : NaN;
  const ratio = sustained / limit.requests;
  const held = worst <= limit.requests;
  const accurate = limit !== binding || Math.abs(1 - ratio) <= 0.01;
  ok &&= held && accurate;
  console.log(
    `${limit.description ?? `${limit.requests} per ${limit.perSeconds} s`} (scaled: ${limit.requests} per ${windowMs} ms)`,
  );
  console.log(
    `   most sent in any window: ${worst} (limit ${limit.requests}) ${held ? 'PASS' : 'FAIL'}; at the server, with delivery jitter: ${arrivedWorst}`,
  );
  console.log(
    `   sustained per window: ${sustained.toFixed(2)} = ${(ratio * 100).toFixed(1)}% of the limit${limit === binding ? ` (the binding limit; target within 1%) ${accurate ? 'PASS' : 'FAIL'}` : ' (not the binding limit)'}`,
  );
}
process.exitCode = values.strict && !ok ? 1 : 0;
