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
    expect((await run('enqueue', '--account', account, '--body', 'Hi')).err).toBe('Error: give the recipients with --to <number>… or --to-file <csv|->, one of the two');
    expect((await run('enqueue', '--account', account, '--to-file', '-', '--body', 'Hi')).err).toMatch(/needs --campaign <id>/);
  });

  it('rejects a concurrency that is not a positive whole number', async () => {
    const { code, err } = await run('worker', '--concurrency', '0');
    expect(code).toBe(2);
    expect(err).toBe('Error: --concurrency must be a whole number of at least 1, not "0"');
  });
});
