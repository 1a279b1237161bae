/**
 * Issue 16, last gaps, item 3: each gateway process kept its own failed-login table, so N
 * processes on one PostgreSQL let an attacker take N times the guesses. Now the failures are
 * counted in the database as well, and two `switchboard serve` processes share one limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGatewayFiles, serveProcess, type ServedGateway } from '../helpers/gateway.js';
import { createDatabase, hasPostgres, NO_POSTGRES, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const ALICE = { login: 'alice', password: 'shared-limit-password', numbers: ['+15550100001'] };
let postgres: TestPostgres | undefined;
const served: ServedGateway[] = [];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const { child } of served) child.kill('SIGTERM');
  await Promise.all(served.map(({ child }) => new Promise((resolve) => child.once('exit', resolve))));
  await postgres?.stop();
}, 60_000);

async function guess(url: string, login: string): Promise<number> {
  const response = await fetch(`${url}/acrobits/fetch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: login, password: 'wrong guess' }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe.skipIf(!hasPostgres)(hasPostgres ? 'two gateway processes on one PostgreSQL' : NO_POSTGRES, () => {
  it('share one failed-login limit: guesses on either count against both', async () => {
    const database = { postgres: await createDatabase(postgres, 'shared_limit') };
    const { file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE], { database, push: { enabled: false } });
    served.push(await serveProcess(file));
    served.push(await serveProcess(file));
    const [one, two] = served.map((s) => s.url) as [string, string];
    // The default limit: 5 failures of a login in 5 minutes.
    const statuses = [];
    for (const url of [one, one, one, two, two, two, one]) statuses.push(await guess(url, 'alice'));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Another login from the same address is limited too: the address failed 5 times as well.
    expect(await guess(two, 'bob')).toBe(429);
  }, 90_000);
});
