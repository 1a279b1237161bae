/**
 * What an admin reads and changes in the outbox while the gateway runs (`gateway deliveries`):
 * the deliveries in a state, and dead ones sent again. A replayed delivery keeps its `webhook-id`
 * (the receiver dedupes by it) and starts a new retry window; a running gateway picks it up at its
 * next look. Neither takes the gateway's one-process guard of an SQLite file (WAL: readers never
 * block its writer, and a replay is one short write).
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import type { DatabaseConfig } from '../config/gateway-config.js';
import { OUTBOX_SQL, toDelivery, type Delivery, type DeliveryRow, type DeliveryState } from './outbox-sql.js';
import { numbered } from '../store/numbered-sql.js';

/** Which deliveries: a state, created in [sinceMs, untilMs), at most `limit`, oldest first. */
export interface DeliveryQuery {
  readonly state: DeliveryState;
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly limit: number;
}

/** Which dead deliveries to send again: by id, or every one created in [sinceMs, untilMs). */
export type ReplaySelection =
  { readonly ids: readonly string[] } | { readonly sinceMs: number; readonly untilMs: number };

type Run = <T>(sql: string, params: unknown[], read: boolean) => Promise<{ rows: T[]; changes: number }>;

/** Runs `work` with a connection to the gateway's database, closed after. */
async function withDatabase<T>(database: DatabaseConfig, work: (run: Run) => Promise<T>): Promise<T> {
  if (database.kind === 'sqlite') {
    if (!existsSync(database.file)) throw new SwitchboardError('CONFIG_NOT_FOUND', `${database.file} does not exist`);
    const db = new Database(database.file, { fileMustExist: true, timeout: 5000 });
    try {
      return await work(async <R>(sql: string, params: unknown[], read: boolean) => {
        const statement = db.prepare(sql.replace('%LOCK%', ''));
        if (read) return { rows: statement.all(...params) as R[], changes: 0 };
        return { rows: [], changes: statement.run(...params).changes };
      });
    } catch (error) {
      throw noOutbox(error);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(async <R>(sql: string, params: unknown[]) => {
      const result = await client.query(numbered(sql), params);
      return { rows: result.rows as R[], changes: result.rowCount ?? 0 };
    });
  } catch (error) {
    throw noOutbox(error);
  } finally {
    await client.end();
  }
}

/** A database the outbox migration has not reached yet, said as what to do. */
function noOutbox(error: unknown): unknown {
  const message = (error as Error).message;
  if (/no such table|does not exist/.test(message) && message.includes('webhook_deliveries'))
    return new SwitchboardError('USAGE', 'this database has no outbox yet: start the gateway once (it migrates)');
  return error;
}

/** The deliveries `query` selects. */
export async function listDeliveries(database: DatabaseConfig, query: DeliveryQuery): Promise<Delivery[]> {
  return withDatabase(database, async (run) => {
    const params = [query.state, query.sinceMs, query.untilMs, query.limit];
    return (await run<DeliveryRow>(OUTBOX_SQL.list, params, true)).rows.map(toDelivery);
  });
}

/** Makes the dead deliveries `selection` names pending again, due now; returns how many. */
export async function replayDeliveries(database: DatabaseConfig, selection: ReplaySelection): Promise<number> {
  const now = Date.now();
  return withDatabase(database, async (run) => {
    if ('sinceMs' in selection)
      return (await run(OUTBOX_SQL.replayRange, [now, now, selection.sinceMs, selection.untilMs], false)).changes;
    let replayed = 0;
    for (const id of selection.ids) replayed += (await run(OUTBOX_SQL.replayOne, [now, now, id], false)).changes;
    return replayed;
  });
}
