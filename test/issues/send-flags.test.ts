/** Issue 9, item 22: flags that would do nothing, and an empty message, are refused, not accepted silently. */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const SEND = ['send', '--account', 'test/does-not-matter.json', '--to', '+15551231234'];

describe('send refuses what it would silently ignore', () => {
  it.each(['--journal', '--resume', '--fsync'])('refuses %s without --to-file', async (flag) => {
    const args = flag === '--journal' ? [flag, 'j.jsonl'] : [flag];
    const { code, err } = await run(...SEND, '--body', 'Hi', ...args);
    expect(code).toBe(2);
    expect(err).toContain(`${flag} goes with --to-file`);
  });

  it.each([
    ['send', ...SEND.slice(1)],
    ['render', '--account', 'x.json', '--to', '+15551231234'],
  ])('refuses an empty --body (%s)', async (...argv) => {
    const { code, err } = await run(...argv, '--body', '');
    expect(code).toBe(2);
    expect(err).toContain('--body is empty');
  });
});
