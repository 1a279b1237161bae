/**
 * A real `redis-server` for queue tests, on 127.0.0.1 at a free port, with its append-only file in
 * a temp dir (so a restart keeps the queue); and queue workers as child processes of the built CLI.
 * Tests that need Redis skip, saying why, where `redis-server` is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';

/** Whether `redis-server` is on PATH; queue tests are skipped without it. */
export const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const NO_REDIS = 'redis-server is not installed (apt-get install redis-server): queue tests skipped';

/** A running Redis for one test. */
export interface TestRedis {
  readonly url: string;
  /** A client for checking what the queue holds. */
  readonly client: Redis;
  /** Stops Redis (SIGTERM: it writes its append-only file) and starts it again on the same port and dir. */
  restart(pauseMs?: number): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!output.includes('Ready to accept connections')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    await sleep(10);
  }
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * A Redis per test, stopped after it with the workers started through it.
 * @example const redis = useRedis(); … const r = await redis(); const w = await r.worker(origin);
 */
export function useRedis() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (): Promise<
    TestRedis & { worker: (args: readonly string[], env?: NodeJS.ProcessEnv) => Promise<TestWorker> }
  > => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-redis-'));
    let child = await launch(port, dir);
    cleanups.push(() => stop(child));
    const url = `redis://127.0.0.1:${port}`;
    const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    cleanups.push(async () => client.disconnect());
    return {
      url,
      client,
      async restart(pauseMs = 0) {
        await stop(child);
        await sleep(pauseMs);
        child = await launch(port, dir);
      },
      async worker(args, env) {
        const w = await startTestWorker(['--redis', url, ...args], env);
        cleanups.push(() => w.stop());
        return w;
      },
    };
  };
}

/** A `switchboard worker` child process. */
export interface TestWorker {
  readonly child: ChildProcess;
  /** What it printed on stdout and stderr so far. */
  output(): string;
  /** SIGTERM (and SIGCONT, if it was stopped) and wait for it to exit (it finishes its jobs first); nothing if it already exited. */
  stop(): Promise<void>;
}

/** Starts a worker; `env` replaces the environment it inherits (for an account whose variable is missing). */
async function startTestWorker(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<TestWorker> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'worker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!/worker \S+ ready/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not start:\n${output}`);
    await sleep(10);
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      child.kill('SIGCONT'); // a worker a test stopped (SIGSTOP) takes the SIGTERM once it runs again
      await exited;
    },
  };
}

/** Waits until `condition` holds, polling; throws after `ms`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  ms = 15_000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
