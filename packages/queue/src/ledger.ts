/**
 * The ledger of a queue: the journal's promise kept in Redis. Before a worker sends a message it
 * claims the message's intent (one atomic step: set if absent); after, it records the outcome.
 * Only the holder of the intent records an outcome: each claim carries a token that `record`
 * must show, and a retryable failure is released (so the message can be enqueued again) only
 * together with the intent of the worker that recorded it. A message whose intent exists without
 * an outcome was taken by a worker that stopped (killed, its lock lost) while the request may have
 * been out: it is marked ambiguous and never sent again, until a person decides. Outcomes hold the
 * send result without the response (errors already masked).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { JournalOutcome } from 'switchboard/internal/bulk/journal.js';
import { ledgerKeys } from './location.js';

/** What a claim decided: send now, or what the message already is. */
export type Claim = 'send' | 'sent' | 'failed' | 'ambiguous';

/** A claim's decision, and the token that proves this worker holds the intent (needed to record). */
export interface Claimed {
  readonly decision: Claim;
  readonly token: string;
}

/** What became of a message: a send result as the journal keeps it, or a worker's own failure (`code` such as `CONFIG_INVALID`). */
export type Outcome = Omit<JournalOutcome, 'code'> & { readonly code?: string };

/** An outcome as the ledger keeps it, with the message's id and when it was recorded. */
export type LedgerOutcome = Outcome & { readonly id: string; readonly at: string; readonly reason?: string };

/**
 * KEYS: intent, sent, failed, ambiguous. ARGV: id, intent record (unique to this claim), the
 * ambiguous record to keep if no outcome exists. Finding its own intent record is a `send`: the
 * client resent the claim after a lost reply (Redis restarted), and nothing was sent yet.
 */
const CLAIM = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then return 'send' end
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 'send' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'sent' end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return 'failed' end
redis.call('HSETNX', KEYS[4], ARGV[1], ARGV[3])
return 'ambiguous'
`;

/**
 * KEYS: sent, failed, ambiguous, intent. ARGV: id, event, record, claim token. Records only for
 * the holder of the intent (the token is in it); returns 0 and changes nothing otherwise. A
 * definite outcome replaces an ambiguous mark another worker set while this one still had the
 * request out (its lock had lapsed).
 */
const RECORD = `
local intent = redis.call('HGET', KEYS[4], ARGV[1])
if not intent or not string.find(intent, '"claim":"' .. ARGV[4] .. '"', 1, true) then return 0 end
local keys = { sent = KEYS[1], failed = KEYS[2], ambiguous = KEYS[3] }
redis.call('HSET', keys[ARGV[2]], ARGV[1], ARGV[3])
if ARGV[2] ~= 'ambiguous' then redis.call('HDEL', KEYS[3], ARGV[1]) end
return 1
`;

/**
 * KEYS: intent, failed. ARGV: id. Clears a retryable failure (nothing arrived) so the message can
 * be enqueued and sent again, as a resumed journal does: the failure and the intent go together,
 * and only when the failure was recorded under that very intent (same claim token). An intent
 * another worker holds is never cleared. Returns 1 when it did.
 */
const RELEASE = `
local record = redis.call('HGET', KEYS[2], ARGV[1])
if not record then return 0 end
if not string.find(record, '"retryable":true', 1, true) then return 0 end
local token = string.match(record, '"claim":"([%w%-]+)"')
local intent = redis.call('HGET', KEYS[1], ARGV[1])
if not token or not intent or not string.find(intent, '"claim":"' .. token .. '"', 1, true) then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;

/**
 * KEYS: intent. ARGV: id, claim token. Takes back the intent of the holder of the claim (its
 * request certainly did not arrive and it waits to retry), so a worker that dies during the wait
 * leaves the message to be sent by the next. Returns 1 when it did.
 */
const WITHDRAW = `
local intent = redis.call('HGET', KEYS[1], ARGV[1])
if not intent or not string.find(intent, '"claim":"' .. ARGV[2] .. '"', 1, true) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;

type LedgerRedis = Redis & {
  switchboardClaim(...args: string[]): Promise<Claim>;
  switchboardRecord(...args: string[]): Promise<number>;
  switchboardRelease(...args: string[]): Promise<number>;
  switchboardWithdraw(...args: string[]): Promise<number>;
};

/** The ledger of one queue. */
export interface Ledger {
  /** Claims message `id` for `worker`: `send` when no worker took it before. */
  claim(id: string, to: string, worker: string): Promise<Claimed>;
  /** Records what became of message `id`, for the holder of the claim `token`; false (nothing recorded) for anyone else. */
  record(id: string, token: string, outcome: Outcome): Promise<boolean>;
  /** Takes back the claim `token` on message `id` before a retry pause (nothing arrived); false when it is not held. */
  withdraw(id: string, token: string): Promise<boolean>;
  /** Whether a worker took message `id` (so enqueuing it again does nothing), after clearing a retryable failure. */
  taken(ids: readonly string[]): Promise<boolean[]>;
  /** Counts by outcome. */
  counts(): Promise<{ sent: number; failed: number; ambiguous: number }>;
  /** Every outcome of one kind, in id order. */
  list(event: 'sent' | 'failed' | 'ambiguous'): Promise<LedgerOutcome[]>;
}

/** The ledger of `queue` on `redis`. */
export function createLedger(redis: Redis, queue: string): Ledger {
  if (!('switchboardClaim' in redis)) {
    redis.defineCommand('switchboardClaim', { numberOfKeys: 4, lua: CLAIM });
    redis.defineCommand('switchboardRecord', { numberOfKeys: 4, lua: RECORD });
    redis.defineCommand('switchboardRelease', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('switchboardWithdraw', { numberOfKeys: 1, lua: WITHDRAW });
  }
  const r = redis as LedgerRedis;
  const keys = ledgerKeys(queue);
  const now = () => new Date().toISOString();
  return {
    async claim(id, to, worker) {
      const token = randomUUID();
      const intent = JSON.stringify({ worker, at: now(), claim: token });
      const reason =
        'a worker took it and stopped before recording an outcome: the request may have reached the provider';
      const ambiguous: LedgerOutcome = {
        id,
        event: 'ambiguous',
        to,
        status: 0,
        retryable: false,
        durationMs: 0,
        at: now(),
        reason,
      };
      const decision = await r.switchboardClaim(
        keys.intent,
        keys.sent,
        keys.failed,
        keys.ambiguous,
        id,
        intent,
        JSON.stringify(ambiguous),
      );
      return { decision, token };
    },
    async record(id, token, outcome) {
      const record: LedgerOutcome & { claim: string } = { id, ...outcome, at: now(), claim: token };
      const done = await r.switchboardRecord(
        keys.sent,
        keys.failed,
        keys.ambiguous,
        keys.intent,
        id,
        outcome.event,
        JSON.stringify(record),
        token,
      );
      return done === 1;
    },
    async withdraw(id, token) {
      return (await r.switchboardWithdraw(keys.intent, id, token)) === 1;
    },
    async taken(ids) {
      const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & {
        switchboardRelease(...args: string[]): unknown;
      };
      for (const id of ids) pipeline.switchboardRelease(keys.intent, keys.failed, id);
      for (const id of ids) pipeline.hexists(keys.intent, id);
      const replies = (await pipeline.exec()) ?? [];
      const failure = replies.find(([error]) => error !== null)?.[0];
      if (failure) throw failure;
      return ids.map((_, i) => replies[ids.length + i]?.[1] === 1);
    },
    async counts() {
      const [sent, failed, ambiguous] = await Promise.all([
        redis.hlen(keys.sent),
        redis.hlen(keys.failed),
        redis.hlen(keys.ambiguous),
      ]);
      return { sent, failed, ambiguous };
    },
    async list(event) {
      const records = Object.values(await redis.hgetall(keys[event])).map((text) => {
        const { claim: _token, ...record } = JSON.parse(text) as LedgerOutcome & { claim?: string };
        return record;
      });
      return records.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
    },
  };
}
