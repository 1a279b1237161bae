/**
 * `switchboard gateway deliveries list | replay`: the webhook deliveries to the user's application,
 * by state, and dead ones sent again (one by one, or every one in a time range). Works beside a
 * running gateway; the database modules load only when this runs.
 */
import { SwitchboardError } from 'switchboard/internal/errors.js';
import { EXIT, str, type Parsed } from 'switchboard/internal/cli/command.js';
import { oneLine, table } from 'switchboard/internal/cli/format.js';
import type { Io } from 'switchboard/internal/cli/io.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Delivery } from '../outbox/outbox-sql.js';

const STATES = ['pending', 'delivered', 'dead'] as const;

/** Runs `deliveries <list|replay> [ids…]` against `config`'s database. */
export async function deliveries(io: Io, config: GatewayConfig, args: Parsed, rest: string[]): Promise<number> {
  const [verb, ...ids] = rest;
  const since = timeOf(args, 'since', 0);
  const until = timeOf(args, 'until', Number.MAX_SAFE_INTEGER);
  const admin = await import('../outbox/deliveries-admin.js');
  if (verb === 'list') {
    if (ids.length > 0) throw new SwitchboardError('USAGE', `unexpected ${ids.join(' ')}`);
    const state = str(args, 'state') ?? 'pending';
    if (!(STATES as readonly string[]).includes(state))
      throw new SwitchboardError('USAGE', `--state is one of ${STATES.join(', ')}, not "${state}"`);
    const limit = limitOf(str(args, 'limit'));
    const query = { state: state as Delivery['state'], sinceMs: since, untilMs: until, limit };
    const found = await admin.listDeliveries(config.database, query);
    printDeliveries(io, found, args.values.json === true, state);
    return EXIT.ok;
  }
  if (verb === 'replay') {
    const ranged = str(args, 'since') !== undefined || str(args, 'until') !== undefined;
    const named = ids;
    if (named.length > 0 === ranged)
      throw new SwitchboardError(
        'USAGE',
        'name the dead deliveries to replay: their webhook-ids, or a range with --since and/or --until (not both)',
      );
    const selection = ranged ? { sinceMs: since, untilMs: until } : { ids: named };
    const replayed = await admin.replayDeliveries(config.database, selection);
    io.err(`${replayed} dead ${replayed === 1 ? 'delivery' : 'deliveries'} pending again; the gateway sends them now.`);
    if (!ranged && replayed < named.length)
      io.err(
        `${named.length - replayed} named ${named.length - replayed === 1 ? 'is' : 'are'} not dead (or unknown): left as they were.`,
      );
    return EXIT.ok;
  }
  throw new SwitchboardError('USAGE', 'say what to do with deliveries: list or replay');
}

/** A time option (RFC 3339, or a date) in ms; `fallback` when absent. */
function timeOf(args: Parsed, name: string, fallback: number): number {
  const text = str(args, name);
  if (text === undefined) return fallback;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new SwitchboardError('USAGE', `--${name} must be a time such as 2026-12-06T10:00:00Z, not "${text}"`);
  return ms;
}

function limitOf(text: string | undefined): number {
  const limit = text === undefined ? 50 : Number(text);
  if (!Number.isInteger(limit) || limit < 1)
    throw new SwitchboardError('USAGE', `--limit must be a whole number of deliveries, not "${text ?? ''}"`);
  return limit;
}

function printDeliveries(io: Io, found: readonly Delivery[], json: boolean, state: string): void {
  const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());
  if (json) {
    const rows = found.map((d) => ({
      id: d.id,
      subscription: d.subscription,
      type: d.type,
      state: d.state,
      attempts: d.attempts,
      createdAt: iso(d.createdMs),
      nextAttemptAt: d.state === 'pending' ? iso(d.nextMs) : null,
      doneAt: d.doneMs === undefined ? null : iso(d.doneMs),
      lastStatus: d.lastStatus ?? null,
      lastError: d.lastError ?? null,
      payload: JSON.parse(d.payload) as unknown,
    }));
    io.out(JSON.stringify(rows, null, 2));
  } else if (found.length === 0) io.out(`no ${state} deliveries`);
  else
    io.out(
      table([
        ['ID', 'SUBSCRIPTION', 'TYPE', 'CREATED', 'ATTEMPTS', 'LAST'],
        ...found.map((d) => [
          d.id,
          d.subscription,
          d.type,
          iso(d.createdMs),
          String(d.attempts),
          oneLine(d.lastError ?? (d.lastStatus === undefined ? '' : `HTTP ${d.lastStatus}`)),
        ]),
      ]),
    );
}
