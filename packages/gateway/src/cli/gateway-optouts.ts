/**
 * `switchboard gateway optouts list | add | remove | import | export`: the people who opted out of
 * the gateway's numbers, read and changed while the gateway runs. Numbers are kept in E.164 (a
 * number typed without a country code is read in the country of our number). CSV has a header:
 * `own_number,peer,source,at` on export; import reads `own_number` and `peer` (and `source` when
 * present), in any column order.
 */
import { createReadStream } from 'node:fs';
import { csvCell, readCsvRows } from 'switchboard/internal/bulk/csv-rows.js';
import { EXIT } from 'switchboard/internal/cli/command.js';
import { table } from 'switchboard/internal/cli/format.js';
import type { Io } from 'switchboard/internal/cli/io.js';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import { OPT_OUT_COLUMNS } from 'switchboard/internal/suppression-file.js';
import { optOutPair } from 'switchboard/internal/suppression.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { OptOut, OptOutStore } from '../store/opt-outs.js';

/** Runs `gateway optouts <action> ...rest`. */
export async function optOuts(
  io: Io,
  config: GatewayConfig,
  [action, ...rest]: readonly string[],
  json: boolean,
): Promise<number> {
  const { withOptOuts } = await import('../store/opt-outs-admin.js');
  const pair = (): [string, string] => {
    if (rest.length !== 2 || rest.some((r) => r.trim() === ''))
      throw new SwitchboardError(
        'USAGE',
        `give our number and theirs: gateway optouts ${action ?? ''} <our number> <their number>`,
      );
    return optOutPair(rest[0] as string, rest[1] as string);
  };
  switch (action) {
    case 'list':
      return withOptOuts(config.database, async (store) => list(io, await store.list(), json));
    case 'add': {
      const [own, peer] = pair();
      const added = await withOptOuts(config.database, (store) => store.add(own, peer, 'admin'));
      io.err(added ? `${peer} is opted out of ${own}` : `${peer} was opted out of ${own} already`);
      return EXIT.ok;
    }
    case 'remove': {
      const [own, peer] = pair();
      const removed = await withOptOuts(config.database, (store) => store.remove(own, peer));
      io.err(removed ? `${peer} may get messages from ${own} again` : `${peer} was not opted out of ${own}`);
      return EXIT.ok;
    }
    case 'export':
      if (rest.length > 0)
        throw new SwitchboardError('USAGE', 'export writes CSV to standard output; redirect it to a file');
      return withOptOuts(config.database, async (store) => {
        io.out(toCsv(await store.list()));
        return EXIT.ok;
      });
    case 'import': {
      if (rest.length !== 1)
        throw new SwitchboardError(
          'USAGE',
          'name the CSV file: gateway optouts import <file.csv> (- for standard input)',
        );
      const source = rest[0] === '-' ? io.stdin : createReadStream(rest[0] as string);
      if (source === undefined) throw new SwitchboardError('USAGE', 'no standard input to read');
      const { added, known } = await withOptOuts(config.database, (store) => importCsv(store, source));
      io.err(`Imported ${added} opt-outs (${known} were recorded already)`);
      return EXIT.ok;
    }
    case undefined:
    default:
      throw new SwitchboardError('USAGE', 'say what to do with opt-outs: list, add, remove, import or export');
  }
}

function list(io: Io, rows: readonly OptOut[], json: boolean): number {
  if (json) io.out(JSON.stringify(rows, null, 2));
  else if (rows.length === 0) io.out('no opt-outs');
  else
    io.out(
      table([
        ['OUR NUMBER', 'THEIR NUMBER', 'SOURCE', 'AT'],
        ...rows.map((r) => [r.ownNumber, r.peer, r.source, r.at]),
      ]),
    );
  return EXIT.ok;
}

function toCsv(rows: readonly OptOut[]): string {
  const lines = rows.map((r) => [r.ownNumber, r.peer, r.source, r.at].map(csvCell).join(','));
  return [OPT_OUT_COLUMNS.join(','), ...lines].join('\n');
}

/** Adds every row of a CSV; a row without both numbers is an error naming its line, and nothing after it is read. */
async function importCsv(store: OptOutStore, source: AsyncIterable<Buffer | string>) {
  let columns: { own: number; peer: number; source: number } | undefined;
  let added = 0;
  let known = 0;
  for await (const row of readCsvRows(source)) {
    if ('error' in row) throw new SwitchboardError('USAGE', `line ${row.line} of the CSV cannot be read: ${row.error}`);
    if (columns === undefined) {
      const header = row.cells.map((c) => c.trim().toLowerCase());
      columns = { own: header.indexOf('own_number'), peer: header.indexOf('peer'), source: header.indexOf('source') };
      if (columns.own < 0 || columns.peer < 0)
        throw new SwitchboardError(
          'USAGE',
          'the CSV needs a header line naming the columns own_number and peer (as export writes)',
        );
      continue;
    }
    const own = row.cells[columns.own]?.trim() ?? '';
    const peer = row.cells[columns.peer]?.trim() ?? '';
    if (own === '' || peer === '')
      throw new SwitchboardError('USAGE', `line ${row.line} of the CSV lacks own_number or peer`);
    const why = (columns.source < 0 ? '' : row.cells[columns.source]?.trim()) || 'import';
    if (await store.add(...optOutPair(own, peer), why)) added++;
    else known++;
  }
  return { added, known };
}
