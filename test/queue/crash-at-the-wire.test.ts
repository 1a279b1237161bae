/**
 * DESIGN §4.1 for queue workers, counted at a loopback provider that holds its answers: kill -9 of
 * a worker while three requests are held and one waits out a 503's Retry-After. Another worker
 * then finds the three claimed without an outcome (ambiguous, never sent again) and sends every
 * other message exactly once, the one that waited for its retry included: its claim was given back.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../packages/queue/src/ledger.js';
import { ledgerKeys } from '../../packages/queue/src/location.js';
import { bulkDir, number, recipientsCsv } from '../helpers/bulk.js';
import { run } from '../helpers/cli.js';
import { holdingProvider } from '../helpers/holding-provider.js';
import { hasRedis, NO_REDIS, until, useRedis } from '../helpers/redis.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
const redis = useRedis();
const TOTAL = 20;
/** Short locks, so the dead worker's jobs move on within seconds (not so short that a busy machine misses a renewal). */
const FAST = ['--lock-ms', '4000', '--stalled-ms', '1000', '--concurrency', '4'];

describe.skipIf(!hasRedis)(
  hasRedis ? 'a worker killed at the wire' : `a worker killed at the wire: ${NO_REDIS}`,
  () => {
    it('leaves ambiguous only what it wrote; the next worker sends the rest once, a message waiting for its retry included', async () => {
      // Workers share a Retry-After through Redis, so the next worker waits it out: 15 s, not a minute.
      const provider = holdingProvider(number(0), 15);
      const s = await server(provider.answer);
      const r = await redis();
      const { account, file } = await bulkDir();
      const csv = await file('r.csv', recipientsCsv(TOTAL));
      const enqueued = await run(
        'enqueue',
        '--account',
        account,
        '--to-file',
        csv,
        '--body',
        'Hi',
        '--redis',
        r.url,
        '--json',
      );
      expect(enqueued.code).toBe(0);
      const { campaign } = JSON.parse(enqueued.out) as { campaign: string };
      const ledger = createLedger(r.client, 'switchboard');

      const victim = await r.worker(['--origin', s.origin, ...FAST]);
      await until(() => provider.refused && provider.held.length === 3, 20_000, 'one refused, three held');
      // The refused message's claim is given back before its wait: wait for that in Redis, then kill.
      const { intent } = ledgerKeys('switchboard');
      await until(
        async () => !(await r.client.hexists(intent, `${campaign}-2`)),
        20_000,
        'the refused claim given back',
      );
      const exited = once(victim.child, 'exit');
      victim.child.kill('SIGKILL');
      await exited;

      provider.answerAll();
      const survivor = await r.worker(['--origin', s.origin, ...FAST]);
      await until(
        async () => {
          const c = await ledger.counts();
          return c.sent + c.failed + c.ambiguous === TOTAL;
        },
        60_000,
        'every message recorded',
      );
      await survivor.stop();

      const onWire = provider.held.map((h) => h.to).sort();
      const ambiguous = (await ledger.list('ambiguous')).map((o) => o.to).sort();
      expect(ambiguous).toEqual(onWire);
      expect(await ledger.counts()).toEqual({ sent: TOTAL - 3, failed: 0, ambiguous: 3 });
      for (const to of onWire) expect(provider.received(to)).toBe(1);
      const others = Array.from({ length: TOTAL }, (_, i) => number(i)).filter((to) => !onWire.includes(to));
      expect(others.filter((to) => provider.accepted(to) !== 1)).toEqual([]);
      expect(provider.received(number(0))).toBe(2); // the 503, then the survivor's send
    }, 120_000);
  },
);
