/** Issue 9, item 22: `switchboard providers` fits an 80-column terminal. */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

describe('switchboard providers', () => {
  it('prints no line wider than 80 characters, and every provider with what its account needs', async () => {
    const { code, out } = await run('providers');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines.filter((line) => [...line].length > 80)).toEqual([]);
    expect(out).toMatch(/^46elks\s+46elks SMS API \(a1\)\n\s+basic · username, password\*, from, webhookUsername\?,/m);
  });
});
