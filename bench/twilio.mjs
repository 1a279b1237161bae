/**
 * Section 4 of bench/throughput.mjs: a catalogue provider with what the demo provider lacks, a
 * structured form body (with an omitEmpty field), HTTP Basic auth and a JSON answer to read the
 * message id from. Twilio's own file (providers/twilio.json), against the bench's loopback server,
 * which answers the Messages resource as Twilio documents it (201 and the new Message as JSON).
 *
 * The baseline is raw undici `dispatch()` on an Agent set up like the library's, sending the same
 * bytes (method, path, headers, body) with a handler that only waits for the end of the answer:
 * the floor under any client built on undici. Rounds alternate raw, lib, raw, lib, ...
 */
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';

const cpuOf = (usage) => usage.user + usage.system;

/** The Account SID and Auth Token the loopback server expects, in Twilio's shapes. */
export const TWILIO_ACCOUNT = {
  provider: 'twilio',
  username: 'AC0123456789abcdef0123456789abcdef',
  password: 'bench_auth_token_0123456789abcdef',
  from: '+15557122661',
};

/**
 * Twilio's answer to a Messages POST: 401 and error 20003 without Basic credentials, otherwise 201
 * and the Message resource (the fields of Twilio's documented example), with a fresh sid. Kept
 * free of outer names: the bench serialises it into its server process.
 */
export function twilioAnswer(req, text, count) {
  const json = (status, value) => ({ status, body: JSON.stringify(value) });
  if (!/^Basic [A-Za-z0-9+/=]+$/.test(req.headers.authorization ?? '')) {
    const info = 'https://www.twilio.com/docs/errors/20003';
    return json(401, { code: 20003, message: 'Authenticate', more_info: info, status: 401 });
  }
  const form = new globalThis.URLSearchParams(text); // no import: this function runs in the server process
  const account = /\/Accounts\/([^/]+)\//.exec(req.url)?.[1] ?? '';
  const sid = `SM${count.toString(16).padStart(32, '0')}`;
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const base = `/2010-04-01/Accounts/${account}/Messages/${sid}`;
  return json(201, {
    account_sid: account,
    api_version: '2010-04-01',
    body: form.get('Body'),
    date_created: date,
    date_sent: null,
    date_updated: date,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: form.get('From'),
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: `${base}/Media.json` },
    to: form.get('To'),
    uri: `${base}.json`,
  });
}

/**
 * Runs the section; returns the median ratio lib/dispatch and the CPU figures.
 * `lib` is the library's module (this build's dist, or another build's with --lib).
 */
export async function twilioSection({ lib, origin, server, opts, recipientsFor, pool, fmt, median }) {
  const provider = await lib.loadProvider('twilio');
  const account = lib.accountFromValue(TWILIO_ACCOUNT, 'bench', undefined);
  const sb = lib.createConnector({ provider, account, origin, concurrency: opts.concurrency });
  const text = 'Hello from the Switchboard bench';
  const sample = recipientsFor(1)[0];
  const rendered = sb.render('sendMessage', { sms_to: sample, sms_body: text }, { showSecrets: true });
  const encoded = encodeURIComponent(sample);
  const [prefix, suffix, ...extra] = (rendered.body ?? '').split(encoded);
  if (suffix === undefined || extra.length > 0) throw new Error(`no single recipient in the body: ${rendered.body}`);
  const bodyFor = (to) => prefix + encodeURIComponent(to) + suffix;
  for (const to of recipientsFor(3, 54_321)) {
    const check = sb.render('sendMessage', { sms_to: to, sms_body: text }, { showSecrets: true });
    if (check.body !== bodyFor(to) || check.url !== rendered.url) throw new Error(`raw bytes differ: ${check.body}`);
  }
  const { pathname, search } = new URL(rendered.url);
  const path = pathname + search;
  const headers = rendered.headers;

  let failures = 0;
  let first;
  const fail = (what) => {
    failures++;
    first ??= what;
  };

  const rawAgent = new Agent({ connections: opts.concurrency, keepAliveTimeout: 10_000, connect: { timeout: 10_000 } });
  const one = (to) =>
    new Promise((resolve) => {
      let status = 0;
      rawAgent.dispatch(
        {
          origin,
          path,
          method: rendered.method,
          headers,
          body: bodyFor(to),
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        },
        {
          onRequestStart() {},
          onResponseStart(_c, statusCode) {
            status = statusCode;
          },
          onResponseData() {},
          onResponseEnd() {
            if (status !== 201) fail(`raw: HTTP ${status}`);
            resolve();
          },
          onResponseError(_c, error) {
            fail(`raw: ${error.message}`);
            resolve();
          },
        },
      );
    });
  async function sendRaw(n, offset) {
    for (let done = 0; done < n; done += opts.batch) {
      const recipients = recipientsFor(Math.min(opts.batch, n - done), offset + done);
      await pool(recipients.length, opts.concurrency, (i) => one(recipients[i]));
    }
  }
  async function sendLib(n, offset) {
    for (let done = 0; done < n; done += opts.batch) {
      const to = recipientsFor(Math.min(opts.batch, n - done), offset + done);
      const results = await sb.sendMessage({ to, body: text });
      for (const r of results) if (!r.ok || !r.messageId?.startsWith('SM')) fail(`lib: ${r.status} ${r.error ?? ''}`);
    }
  }

  console.log(
    `4. A catalogue provider: Twilio (providers/twilio.json): ${rendered.method} ${pathname}, form body with omitEmpty, Basic auth, 201 + JSON answer`,
  );
  console.log(
    `   raw: undici Agent.dispatch() with the same bytes, a handler that only waits for the end; concurrency ${opts.concurrency}, ${fmt(opts.requests)} requests per round, ${opts.rounds} alternating rounds`,
  );
  for (let w = 0; w < 2; w++) {
    await sendRaw(opts.warmup / 2, 0);
    await sendLib(opts.warmup / 2, 0);
  }
  const rounds = [];
  for (let round = 0; round < opts.rounds; round++) {
    const kind = round % 2 === 0 ? 'raw' : 'lib';
    const s0 = await server.stats();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await (kind === 'raw' ? sendRaw : sendLib)(opts.requests, round * opts.requests);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const s1 = await server.stats();
    if (s1.count - s0.count !== opts.requests)
      throw new Error(`round ${round + 1}: the server received ${s1.count - s0.count}, expected ${opts.requests}`);
    const serverCpu = s1.cpu && s0.cpu ? (cpuOf(s1.cpu) - cpuOf(s0.cpu)) / opts.requests : undefined;
    rounds.push({ kind, rate: opts.requests / seconds, seconds, clientCpu: cpuOf(cpu) / opts.requests, serverCpu });
  }
  const ratios = [];
  rounds.forEach((r, i) => {
    let note = '';
    if (r.kind === 'lib') {
      const around = [rounds[i - 1], rounds[i + 1]].filter((n) => n?.kind === 'raw');
      const ratio = r.rate / (around.reduce((sum, n) => sum + n.rate, 0) / around.length);
      ratios.push(ratio);
      note = `   lib/dispatch ${ratio.toFixed(3)}`;
    }
    console.log(
      `   round ${String(i + 1).padStart(2)} ${r.kind}: ${fmt(r.rate).padStart(7)} req/s (${r.seconds.toFixed(2)} s)  client CPU ${r.clientCpu.toFixed(1).padStart(5)} µs/req${r.serverCpu === undefined ? '' : `, server ${r.serverCpu.toFixed(1).padStart(5)} µs/req`}${note}`,
    );
  });
  const rawCpu = median(rounds.filter((r) => r.kind === 'raw').map((r) => r.clientCpu));
  const libCpu = median(rounds.filter((r) => r.kind === 'lib').map((r) => r.clientCpu));
  const ratio = median(ratios);
  console.log(
    `   median client CPU per request: dispatch ${rawCpu.toFixed(1)} µs, lib ${libCpu.toFixed(1)} µs (library ${(libCpu - rawCpu).toFixed(1)} µs/req)`,
  );
  console.log(`   median ratio lib/dispatch = ${ratio.toFixed(3)} over ${ratios.length} lib rounds (target >= 0.70)`);
  // On a shared machine req/s swings with the neighbours' load; the client's CPU per request is the
  // steadier figure, and its ratio is the rate ratio a client-bound run would show.
  console.log(`   CPU ratio dispatch/lib = ${(rawCpu / libCpu).toFixed(3)} (client CPU per request, medians)`);
  if (failures > 0)
    console.log(`   WARNING: ${failures} sends failed (first: ${first}); the figures are not comparable`);
  console.log('');
  await sb.close();
  await rawAgent.close();
  return { ratio, cpuRatio: rawCpu / libCpu, rawCpu, libCpu, failures, first };
}
