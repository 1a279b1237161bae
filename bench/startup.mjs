// How long the `switchboard` command takes to start, against `node -e 1` in the same run.
// Usage: npm run bench:startup [-- --rounds 15 --strict]
// Each round runs `node -e 1`, `switchboard --help` and `switchboard render …` (Twilio, from the
// catalogue, with a Basic-auth account) one after the other, so drift in the machine's load falls
// on all three alike; a command's ratio is the median over rounds of its time divided by that
// round's `node -e 1`. Targets (issue 16): --help within 2×, render within 4×. Exit 0 always (a
// measurement), 1 with --strict when a target is missed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, strict: { type: 'boolean' } } });
const rounds = Number(values.rounds);
const bin = fileURLToPath(new URL('../bin/switchboard.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sb-startup-'));
const account = join(dir, 'twilio.json');
writeFileSync(
  account,
  JSON.stringify({ provider: 'twilio', username: 'AC0123456789abcdef', password: 'token', from: '+15017122661' }),
);

const commands = {
  'node -e 1': ['-e', '1'],
  'switchboard --help': [bin, '--help'],
  'switchboard render': [bin, 'render', '--account', account, '--to', '+1 (555) 867-5310', '--body', 'Hi there'],
};
const targets = { 'switchboard --help': 2, 'switchboard render': 4 };

/** Milliseconds `args` takes to run to its end with node; throws when it fails. */
function time(args) {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const args of Object.values(commands)) time(args); // warm the file cache; builds dist/ if stale
const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
const ratios = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, args] of Object.entries(commands)) times[name].push(time(args));
  for (const name of Object.keys(targets)) ratios[name].push(times[name][round] / times['node -e 1'][round]);
}
rmSync(dir, { recursive: true, force: true });

console.log(`Start-up over ${rounds} rounds (median ms; ratio = median of per-round time / node -e 1)`);
let missed = false;
for (const name of Object.keys(commands)) {
  const target = targets[name];
  const ratio = target === undefined ? undefined : median(ratios[name]);
  const verdict =
    ratio === undefined ? '' : `  ${ratio.toFixed(2)}×  target ≤ ${target}×  ${ratio <= target ? 'ok' : 'MISSED'}`;
  if (ratio !== undefined && ratio > target) missed = true;
  console.log(`  ${name.padEnd(20)} ${median(times[name]).toFixed(0).padStart(6)} ms${verdict}`);
}
if (missed && values.strict) process.exitCode = 1;
