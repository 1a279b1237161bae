/**
 * The opt-out file (issue 19, item 4, for senders without the gateway): it reads the CSV that
 * `switchboard gateway optouts export` writes, keys rows as the gateway does, appends what it learns
 * durably in the same format (so `gateway optouts import` reads it back), and refuses a file it
 * cannot read whole, naming the file and each bad line.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../packages/gateway/src/config/load-gateway.js';
import { startGateway } from '../packages/gateway/src/server.js';
import { ConfigError } from '../src/errors.js';
import { startRecordingServer } from '../src/fixtures/recording-server.js';
import { loadSuppressionFile } from '../src/suppression-file.js';
import { run } from './helpers/cli.js';
import { writeGatewayFiles } from './helpers/gateway.js';

const OURS = '+15550100001';

async function csvFile(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'sb-optouts-')), 'optouts.csv');
  await writeFile(file, text);
  return file;
}

describe('an opt-out file', () => {
  it('holds each row as the gateway keys it: ours in E.164, theirs read in the country of ours', async () => {
    const ours = '+12015550100'; // a New Jersey number: national numbers are read in the US
    const store = await loadSuppressionFile(
      await csvFile(`peer,own_number\n"(201) 555-0123",+1 201 555 0100\nalice@example.com,${ours}\n`),
    );
    expect(store.size).toBe(2);
    expect(store.isOptedOut(ours, '+12015550123')).toBe(true);
    expect(store.isOptedOut(ours, 'alice@example.com')).toBe(true);
    expect(store.isOptedOut('+12015550199', '+12015550123')).toBe(false);
  });

  it('appends what it learns in the columns of its header, quoted as export quotes, and flushed before it resolves', async () => {
    // No line break at the end, as a hand-edited file may be.
    const file = await csvFile(`own_number,peer,at,source\n${OURS},+15550102222,2026-01-01T00:00:00.000Z,admin`);
    const store = await loadSuppressionFile(file);
    await Promise.all([
      store.optOut(OURS, '+15550103333', 'provider code 21610'),
      store.optOut(OURS, '+15550104444', 'said "STOP", twice'),
    ]);
    await store.optOut(OURS, '+15550103333', 'provider code 21610'); // known: nothing written
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'own_number,peer,at,source',
      `${OURS},+15550102222,2026-01-01T00:00:00.000Z,admin`,
    ]);
    expect(lines.slice(2).map((l) => l.replace(/,\d{4}-[^,]+Z,/, ',<at>,'))).toEqual([
      `${OURS},+15550103333,<at>,provider code 21610`,
      `${OURS},+15550104444,<at>,"said ""STOP"", twice"`,
      '',
    ]);
    const again = await loadSuppressionFile(file);
    expect(again.size).toBe(3);
    expect(again.isOptedOut(OURS, '+15550104444')).toBe(true);
  });

  it('is an empty list when the file is empty, and gets the header of export with its first opt-out', async () => {
    const file = await csvFile('');
    const store = await loadSuppressionFile(file);
    expect(store.size).toBe(0);
    await store.optOut(OURS, '+15550102222', 'provider code 21610');
    expect((await readFile(file, 'utf8')).split('\n').slice(0, 1)).toEqual(['own_number,peer,source,at']);
    expect((await loadSuppressionFile(file)).isOptedOut(OURS, '+15550102222')).toBe(true);
  });

  it('keeps the opt-outs of a sender without a number (an account without from) under an empty own_number', async () => {
    const file = await csvFile('own_number,peer,source,at\n');
    await (await loadSuppressionFile(file)).optOut('', '+15550102222', 'provider code 21610');
    expect((await readFile(file, 'utf8')).split('\n')[1]).toMatch(/^,\+15550102222,provider code 21610,/);
    const again = await loadSuppressionFile(file);
    expect([again.isOptedOut('', '+15550102222'), again.isOptedOut(OURS, '+15550102222')]).toEqual([true, false]);
  });

  it('refuses a missing file, so that a mistyped path never means that nobody opted out', async () => {
    const file = join(tmpdir(), 'sb-no-such-dir', 'optouts.csv');
    await expect(loadSuppressionFile(file)).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      message: `the opt-out file ${file} does not exist: check the path, or start an empty one (touch ${file}); switchboard gateway optouts export writes one`,
    });
  });

  it('says so when the path is not a readable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-optouts-'));
    await expect(loadSuppressionFile(dir)).rejects.toMatchObject({
      code: 'USAGE',
      message: `cannot read the opt-out file ${dir}: it is not a file`,
    });
  });

  it('names the file and every bad line', async () => {
    const file = await csvFile(`own_number,peer\n${OURS},+15550102222\n${OURS}\n${OURS},\n`);
    const error = (await loadSuppressionFile(file).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map((i) => [i.file, i.line, i.message])).toEqual([
      [file, 3, 'the row has no peer (their number)'],
      [file, 4, 'the row has no peer (their number)'],
    ]);
    const header = await csvFile(`number\n${OURS}\n`);
    await expect(loadSuppressionFile(header)).rejects.toThrow(
      `${header}:1: the header must name the columns own_number and peer (as gateway optouts export writes), not "number"`,
    );
    const unclosed = await csvFile(`own_number,peer\n${OURS},"+15550102222\n`);
    await expect(loadSuppressionFile(unclosed)).rejects.toThrow(
      `${unclosed}:2: a quoted value starting on this row is never closed`,
    );
  });

  it('reads what gateway optouts export writes, and gateway optouts import reads what it appended', async () => {
    const provider = await startRecordingServer(() => ({ status: 200, body: '{}' }));
    const { dir, file } = await writeGatewayFiles(provider.origin, [
      { login: 'alice', password: 'optouts-file-password', numbers: [OURS] },
    ]);
    const gateway = await startGateway(await loadGateway(file), { port: 0 }); // creates the opt-out table
    try {
      // A source with a comma and quotes, so the export has to quote it.
      const given = join(dir, 'given.csv');
      await writeFile(given, `own_number,peer,source\n${OURS},+15550102222,"replied ""STOP"", by SMS"\n`);
      expect((await run('gateway', 'optouts', 'import', given, '--config', file)).code).toBe(0);
      const exported = await run('gateway', 'optouts', 'export', '--config', file);
      expect(exported.out).toContain('"replied ""STOP"", by SMS"');
      const csv = join(dir, 'optouts.csv');
      await writeFile(csv, `${exported.out}\n`); // as `> optouts.csv` writes it

      const store = await loadSuppressionFile(csv);
      expect(store.size).toBe(1);
      expect(store.isOptedOut(OURS, '+15550102222')).toBe(true);
      await store.optOut(OURS, '+15550103333', 'provider code 21610');

      const back = await run('gateway', 'optouts', 'import', csv, '--config', file);
      expect(back).toMatchObject({ code: 0, err: 'Imported 1 opt-outs (1 were recorded already)' });
      const listed = JSON.parse((await run('gateway', 'optouts', 'list', '--config', file, '--json')).out) as {
        peer: string;
        source: string;
      }[];
      expect(listed.map((o) => [o.peer, o.source])).toEqual([
        ['+15550102222', 'replied "STOP", by SMS'],
        ['+15550103333', 'provider code 21610'],
      ]);
    } finally {
      await gateway.close();
      await provider.close();
    }
  }, 30_000);
});
