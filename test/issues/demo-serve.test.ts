/**
 * Issue 9, item 19: `demo --serve` on a busy port is a readable error (exit 2), and the queue
 * commands its text promises are printed and work against a local Redis. Runs dist/: build first.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';

function serve(...args: string[]) {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

describe('demo --serve', () => {
  it('exits 2 with one readable sentence when the port is in use', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as { port: number };
    try {
      const demo = serve('--port', String(port));
      const [code] = (await once(demo.child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(demo.stderr()).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(demo.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      busy.close();
    }
  });

  const redis = useRedis();
  it.skipIf(!hasRedis)(
    'prints enqueue, worker and status commands that send through it via Redis',
    async () => {
      if (!hasRedis) return console.warn(NO_REDIS);
      const demo = serve();
      try {
        await until(() => demo.stdout().includes('It answers 200'), 10_000);
        const origin = /Demo provider on (http:\/\/127\.0\.0\.1:\d+)/.exec(demo.stdout())?.[1] as string;
        expect(demo.stdout()).toContain('needs redis-server');
        expect(demo.stdout()).toContain(
          'npx switchboard enqueue --account demo-account.json --to-file people.csv --body "Hi %csv[name]%"',
        );
        expect(demo.stdout()).toContain(`npx switchboard worker --origin ${origin}`);
        expect(demo.stdout()).toContain('npx switchboard status');

        // The same commands, with this test's Redis and files in a temporary folder.
        const r = await redis();
        const dir = await mkdtemp(join(tmpdir(), 'switchboard-serve-'));
        await writeFile(
          join(dir, 'demo-account.json'),
          '{"provider":"demo","username":"johndow","password":"12345678"}',
        );
        await writeFile(join(dir, 'people.csv'), 'to,name\n+15551231234,Ann\n+15550000000,Bob\n');
        const account = join(dir, 'demo-account.json');
        const enqueued = await run(
          'enqueue',
          '--account',
          account,
          '--to-file',
          join(dir, 'people.csv'),
          '--body',
          'Hi %csv[name]%',
          '--redis',
          r.url,
        );
        expect(enqueued.out).toContain('2 enqueued');
        await r.worker(['--origin', origin]);
        await until(async () => (await run('status', '--redis', r.url)).out.includes('1 sent, 1 failed'), 10_000);
      } finally {
        demo.child.kill('SIGTERM');
        await once(demo.child, 'exit');
      }
    },
    30_000,
  );
});
