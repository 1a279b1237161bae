/**
 * What an admin reads from a gateway's database while the gateway runs: an online backup of an
 * SQLite file, and the unrouted messages. Neither takes the gateway's one-process guard, so both
 * work beside a running gateway (the SQLite file is in WAL mode: readers never block its writer).
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import type { DatabaseConfig } from '../config/gateway-config.js';
import { createPrivate, damaged, isDamage } from './sqlite-file.js';

/** An inbound message that reached no user (its `to` number is nobody's). */
export interface UnroutedMessage {
  readonly providerAccount: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly providerMessageId: string | undefined;
  readonly receivedAt: string;
}

const UNROUTED = `SELECT provider_account, sender, recipient, body, provider_message_id, received_at
  FROM unrouted ORDER BY received_at DESC, id LIMIT `;

/** Opens an SQLite gateway database to read, beside a running gateway; a damaged file is one clear error. */
function openToRead(file: string): InstanceType<typeof Database> {
  if (!existsSync(file)) throw new SwitchboardError('CONFIG_NOT_FOUND', `${file} does not exist`);
  try {
    const db = new Database(file, { fileMustExist: true, timeout: 5000 });
    db.pragma('query_only = ON'); // an admin's read never writes the gateway's file
    return db;
  } catch (error) {
    throw isDamage(error) ? damaged(file, (error as Error).message, error) : error;
  }
}

/**
 * Copies the SQLite database `from` to `to` with SQLite's online backup API, while a gateway may be
 * writing to it: the copy is one consistent moment. `to` must not exist; it is created private.
 * @example await backupSqlite('gateway.db', 'backup-2026-12-06.db');
 */
export async function backupSqlite(from: string, to: string): Promise<{ pages: number }> {
  if (existsSync(to)) throw new SwitchboardError('USAGE', `${to} exists already; name a new file for the backup`);
  const db = openToRead(from);
  try {
    createPrivate(to);
    const { totalPages } = await db.backup(to);
    return { pages: totalPages };
  } catch (error) {
    throw isDamage(error) ? damaged(from, (error as Error).message, error) : error;
  } finally {
    db.close();
  }
}

/** The newest `limit` unrouted messages of the gateway's database, newest first. */
export async function readUnrouted(database: DatabaseConfig, limit: number): Promise<UnroutedMessage[]> {
  type Row = Record<string, string | null>;
  let rows: Row[];
  if (database.kind === 'sqlite') {
    const db = openToRead(database.file);
    try {
      rows = db.prepare(`${UNROUTED}?`).all(limit) as Row[];
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      rows = (await client.query<Row>(`${UNROUTED}$1`, [limit])).rows;
    } finally {
      await client.end();
    }
  }
  return rows.map((r) => ({
    providerAccount: r.provider_account ?? '',
    from: r.sender ?? '',
    to: r.recipient ?? '',
    text: r.body ?? '',
    providerMessageId: r.provider_message_id ?? undefined,
    receivedAt: r.received_at ?? '',
  }));
}
