/** The queue commands' usage errors: readable, exit code 2, and no Redis needed to see them. */
import { describe, expect, it } from 'vitest';
import { bulkDir } from '../helpers/bulk.js';
import { run } from '../helpers/cli.js';

describe('queue commands', () => {
  it('says where Redis was expected when it cannot be reached', async () => {
    const { code, err } = await run('status', '--redis', 'redis://127.0.0.1:1');
    expect(code).toBe(2);
    expect(err).toMatch(/^Error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*give --redis <url>$/);
  });

  it('refuses a Redis address that is not a redis:// URL', async () => {
    const { code, err } = await run('worker', '--redis', 'http://127.0.0.1:6379');
    expect(code).toBe(2);
    expect(err).toBe('Error: the Redis address must start with redis:// or rediss://, not http://');
  });

  it('asks for recipients, and for a campaign when they come from standard input', async () => {
    const { account } = await bulkDir();
    expect((await run('enqueue', '--account', account, '--body', 'Hi')).err).toBe(
      'Error: give the recipients with --to <number>… or --to-file <csv|->, one of the two',
    );
    expect((await run('enqueue', '--account', account, '--to-file', '-', '--body', 'Hi')).err).toMatch(
      /needs --campaign <id>/,
    );
  });

  it('rejects a concurrency that is not a positive whole number', async () => {
    const { code, err } = await run('worker', '--concurrency', '0');
    expect(code).toBe(2);
    expect(err).toBe('Error: --concurrency must be a whole number of at least 1, not "0"');
  });

  it('a worker waiting for a Redis that is not there stops on the first Ctrl-C', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'worker', '--redis', 'redis://127.0.0.1:1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The first "Redis:" complaint comes after the signal handlers are in place; a fixed wait was too short under load.
    const deadline = Date.now() + 10_000;
    while (!stderr.includes('Redis:') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 5000)),
    ]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(stderr).toContain('SIGINT: finishing the messages in progress');
  }, 15_000);
});
