/**
 * `switchboard gateway backup | unrouted`: what an admin reads from a gateway's database, while the
 * gateway runs. The database modules load only when one of these runs.
 */
import { SwitchboardError } from 'switchboard/internal/errors.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { EXIT } from 'switchboard/internal/cli/command.js';
import { oneLine, table } from 'switchboard/internal/cli/format.js';
import type { Io } from 'switchboard/internal/cli/io.js';

/** `gateway backup <file>`: an online copy of the SQLite database, consistent while the gateway writes. */
export async function backup(io: Io, config: GatewayConfig, to: string | undefined): Promise<number> {
  if (to === undefined)
    throw new SwitchboardError('USAGE', 'name the backup file: gateway backup <file> --config <gateway.json>');
  if (config.database.kind !== 'sqlite')
    throw new SwitchboardError(
      'USAGE',
      "the gateway's database is PostgreSQL: back it up with PostgreSQL's own tools (pg_dump, or base backups)",
    );
  const { backupSqlite } = await import('../store/admin.js');
  const { pages } = await backupSqlite(config.database.file, to);
  io.err(`Backed up ${config.database.file} to ${to} (${pages} pages); open it with sqlite3 or serve it as it is.`);
  return EXIT.ok;
}

/** `gateway unrouted`: the inbound messages whose number is nobody's, newest first. */
export async function unrouted(io: Io, config: GatewayConfig, limitText: string | undefined, json: boolean) {
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1)
    throw new SwitchboardError('USAGE', `--limit must be a whole number of messages, not "${limitText ?? ''}"`);
  const { readUnrouted } = await import('../store/admin.js');
  const messages = await readUnrouted(config.database, limit);
  if (json) io.out(JSON.stringify(messages, null, 2));
  else if (messages.length === 0) io.out('no unrouted messages');
  else
    io.out(
      table([
        ['RECEIVED', 'ACCOUNT', 'FROM', 'TO', 'TEXT'],
        ...messages.map((m) => [m.receivedAt, m.providerAccount, m.from, m.to, oneLine(m.text)]),
      ]),
    );
  return EXIT.ok;
}
