/**
 * The send wait (`within`): a send that settles early leaves no timer behind (a race with a sleep
 * left one per request alive for the whole wait), and a send that outlives it gives the answer's
 * fallback while it goes on.
 */
import { describe, expect, it } from 'vitest';
import { within } from '../../packages/gateway/src/app/wait.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('within', () => {
  it('gives the value of work that settles in time, and clears its timer then', async () => {
    const before = timers();
    const values = await Promise.all(Array.from({ length: 100 }, (_, i) => within(Promise.resolve(i), 60_000, 'late')));
    expect(values).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(timers()).toBe(before);
  });

  it('passes on a failure in time, and clears its timer then', async () => {
    const before = timers();
    await expect(within(Promise.reject(new Error('refused')), 60_000, 'late')).rejects.toThrow('refused');
    expect(timers()).toBe(before);
  });

  it('gives the fallback when the work outlives the wait', async () => {
    let finish: (value: string) => void = () => undefined;
    const work = new Promise<string>((resolve) => (finish = resolve));
    expect(await within(work, 5, 'late')).toBe('late');
    finish('sent');
    expect(await work).toBe('sent');
  });
});
