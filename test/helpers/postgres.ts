/**
 * A real PostgreSQL for gateway tests: initdb into a temp dir, pg_ctl start on 127.0.0.1 at a free
 * port, trust authentication for a local test user. As root (where initdb refuses to run) it runs
 * as the `postgres` user. Tests skip, saying why, where PostgreSQL is not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].find((dir) =>
  existsSync(join(dir, 'initdb')),
);

/** Whether PostgreSQL's server binaries are installed. */
export const hasPostgres = BIN !== undefined;
export const NO_POSTGRES = 'PostgreSQL is not installed (apt-get install postgresql): PostgreSQL tests skipped';

/** A running PostgreSQL. */
export interface TestPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Runs a PostgreSQL binary, as `postgres` when this process is root. */
function pgRun(tool: string, args: string[]): void {
  const command = join(BIN ?? '', tool);
  const root = userInfo().uid === 0;
  const result = root
    ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
}

/** Starts a fresh PostgreSQL; `stop()` shuts it down (fast mode) and deletes its files. */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-pg-'));
  if (userInfo().uid === 0) {
    const { uid, gid } = { uid: Number(id('-u')), gid: Number(id('-g')) };
    await chown(dir, uid, gid);
  }
  await chmod(dir, 0o700);
  const data = join(dir, 'data');
  pgRun('initdb', ['-D', data, '-A', 'trust', '-U', 'switchboard', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  pgRun('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://switchboard@127.0.0.1:${port}/postgres`,
    async stop() {
      pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      // A cluster takes 40 to 140 MB of disk: it goes with its server, not only at the end of the run.
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function id(flag: string): string {
  return spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim();
}

let created = 0;

/** Creates a fresh database on `server`; returns its URL. */
export async function createDatabase(server: TestPostgres | undefined, prefix: string): Promise<string> {
  if (server === undefined) throw new Error(NO_POSTGRES);
  const { default: pg } = await import('pg');
  const name = `${prefix}_${process.pid}_${++created}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}
