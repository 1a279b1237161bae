/**
 * The opt-out table opened by an admin command beside a running gateway (or a stopped one): SQLite
 * through a connection of its own in the file's normal WAL locking (the gateway's writes wait at
 * most a moment for it), PostgreSQL through one client. The gateway creates the table at start.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import type { DatabaseConfig } from '../config/gateway-config.js';
import { optOutStore, pgRunner, sqliteRunner, type OptOutStore } from './opt-outs.js';
import { damaged, isDamage } from './sqlite-file.js';
import { numbered } from './numbered-sql.js';

/** Runs `work` with the opt-outs of `database`, then closes it. */
export async function withOptOuts<T>(database: DatabaseConfig, work: (store: OptOutStore) => Promise<T>): Promise<T> {
  if (database.kind === 'postgres') {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return await work(optOutStore(pgRunner(client), numbered));
    } catch (error) {
      throw missingTable(error) ? notCreated() : error;
    } finally {
      await client.end();
    }
  }
  if (!existsSync(database.file)) throw notCreated();
  const db = new Database(database.file, { fileMustExist: true, timeout: 5000 });
  try {
    return await work(optOutStore(sqliteRunner(db)));
  } catch (error) {
    if (isDamage(error)) throw damaged(database.file, (error as Error).message, error);
    throw missingTable(error) ? notCreated() : error;
  } finally {
    db.close();
  }
}

function missingTable(error: unknown): boolean {
  return /no such table: opt_outs|relation "opt_outs" does not exist/.test(String((error as Error).message));
}

function notCreated(): SwitchboardError {
  return new SwitchboardError(
    'USAGE',
    "the gateway's database has no opt-out table yet: start the gateway once (switchboard serve) to create it",
  );
}
