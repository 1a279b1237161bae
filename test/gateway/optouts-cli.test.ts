/**
 * `switchboard gateway optouts list|add|remove|import|export` beside a running gateway: what the
 * admin adds is honoured by the next Send at once (refused, no provider request), numbers written
 * any way are kept in E.164, and export and import round-trip as CSV.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { run } from '../helpers/cli.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const OURS = '+15550100001';
const ALICE = { login: 'alice', password: 'optouts-cli-password', numbers: [OURS] };
let provider: RecordingServer;
let gateway: Gateway;
let dir: string;
let file: string;

beforeAll(async () => {
  provider = await startRecordingServer(() => ({ status: 200, body: '{}' }));
  ({ dir, file } = await writeGatewayFiles(provider.origin, [ALICE], { push: { enabled: false } }));
  gateway = await startGateway(await loadGateway(file), { port: 0 });
}, 30_000);

afterAll(async () => {
  await gateway.close();
  await provider.close();
});

const send = async (to: string) => {
  const response = await fetch(`${gateway.url}/acrobits/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ALICE.login, password: ALICE.password, to, body: 'Hi' }),
  });
  return { status: response.status, body: (await response.json()) as { message?: string } };
};

const listed = async () =>
  (JSON.parse((await run('gateway', 'optouts', 'list', '--config', file, '--json')).out) as { peer: string }[]).map(
    (o) => o.peer,
  );

describe('gateway optouts', () => {
  it('adds an opt-out the running gateway honours at once, and removes it', async () => {
    const added = await run('gateway', 'optouts', 'add', OURS, '+1 (555) 010-2222', '--config', file);
    expect(added).toMatchObject({ code: 0, err: `+15550102222 is opted out of ${OURS}` });
    expect(await listed()).toEqual(['+15550102222']);
    const refused = await send('+15550102222');
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/has opted out of messages from \+15550100001/);
    expect(provider.requests).toHaveLength(0);

    expect((await run('gateway', 'optouts', 'remove', OURS, '+15550102222', '--config', file)).code).toBe(0);
    expect(await listed()).toEqual([]);
    expect((await send('+15550102222')).status).toBe(200);
    expect(provider.requests).toHaveLength(1);
  });

  it('imports a CSV and exports it again', async () => {
    const csv = join(dir, 'optouts.csv');
    await writeFile(csv, `peer,own_number\n+15550103333,${OURS}\n"+1 (555) 010-4444",${OURS}\n+15550103333,${OURS}\n`);
    const imported = await run('gateway', 'optouts', 'import', csv, '--config', file);
    expect(imported).toMatchObject({ code: 0, err: 'Imported 2 opt-outs (1 were recorded already)' });
    const exported = (await run('gateway', 'optouts', 'export', '--config', file)).out.split('\n');
    expect(exported[0]).toBe('own_number,peer,source,at');
    expect(exported.slice(1).map((line) => line.split(',').slice(0, 3))).toEqual([
      [OURS, '+15550103333', 'import'],
      [OURS, '+15550104444', 'import'],
    ]);
    await writeFile(csv, `own_number\n${OURS}\n`);
    const bad = await run('gateway', 'optouts', 'import', csv, '--config', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('the CSV needs a header line naming the columns own_number and peer');
  });
});
