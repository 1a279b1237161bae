/**
 * The group commit's contract, over a commit function that records its batches: writes of one
 * event-loop turn share one commit, nobody continues before the commit that holds their write,
 * and one failing write fails only itself. (The stores' own tests run it on real databases.)
 */
import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../packages/gateway/src/store/group-commit.js';

/** A commit that runs each write (a function) in order, logging each batch, finishing when `release` is called. */
function recordingCommit() {
  const batches: string[][] = [];
  let release: () => void = () => undefined;
  const commit = async (works: readonly (() => string)[]) => {
    const values = works.map((work) => work());
    batches.push(values);
    await new Promise<void>((resolve) => (release = resolve));
    return values;
  };
  return { batches, commit, release: () => release() };
}

describe('group commit', () => {
  it('commits the writes of one turn in one batch, and answers each only after that commit', async () => {
    const log = recordingCommit();
    const group = createGroupCommit(log.commit);
    let answered = 0;
    const writes = ['a', 'b', 'c'].map((v) => group.write<string>(() => v).then((x) => (answered++, x)));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.batches).toEqual([['a', 'b', 'c']]);
    expect(answered).toBe(0); // the commit has not finished
    log.release();
    expect(await Promise.all(writes)).toEqual(['a', 'b', 'c']);
  });

  it('gathers the writes that arrive during a commit into the next batch', async () => {
    const log = recordingCommit();
    const group = createGroupCommit(log.commit);
    const first = group.write<string>(() => 'a');
    await new Promise((resolve) => setImmediate(resolve));
    const later = [group.write<string>(() => 'b'), group.write<string>(() => 'c')];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.batches).toEqual([['a']]);
    log.release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.batches).toEqual([['a'], ['b', 'c']]);
    log.release();
    expect(await Promise.all(later)).toEqual(['b', 'c']);
  });

  it('fails only the write that throws, and commits the others of its batch', async () => {
    const committed: string[][] = [];
    const group = createGroupCommit(async (works: readonly (() => string)[]) => {
      const values = works.map((work) => work()); // a throw here writes nothing of the batch
      committed.push(values);
      return values;
    });
    const results = await Promise.allSettled([
      group.write<string>(() => 'a'),
      group.write<string>(() => {
        throw new Error('constraint');
      }),
      group.write<string>(() => 'c'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed).toEqual([['a'], ['c']]);
  });
});
