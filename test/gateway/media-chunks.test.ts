/**
 * Files kept as chunks (migration 13), on a real SQLite file and on PostgreSQL: a picture larger
 * than any one chunk is stored as several rows and comes back byte for byte (on PostgreSQL from a
 * second `serve` process); a gateway killed in the middle of a download leaves a pending attachment
 * whose partial chunks are never served, and the retry stores the whole file; a byte range is
 * served from the chunks it spans; a file stored before chunks (one `media.bytes` value) is still
 * served; an app's encrypted file is staged as chunks as it is decrypted, and one refused leaves
 * none; retention deletes the chunks with their message.
 */
import type { ChildProcess } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import type { InboundEvent } from '../../src/webhook/events.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { signatureOf } from '../../packages/gateway/src/media/signed-url.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { CHUNK_BYTES } from '../../packages/gateway/src/store/media-chunks.js';
import { serveProcess, twilioAnswer, twilioWebhook, writeTwilioGateway } from '../helpers/gateway.js';
import {
  picture,
  sendFileTransfer,
  setTwilioMediaHosts,
  startMediaServer,
  twilioMediaForm,
  type MediaServer,
} from '../helpers/media.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../helpers/postgres.js';

const ALICE = { login: 'alice', password: 'chunks-password-42', numbers: ['+15550100001'] };
const PUBLIC = 'https://sms.example.test';
const PEER = '+15551231234';

let postgres: TestPostgres | undefined;
let big: Buffer;
let media: MediaServer;
let twilio: RecordingServer;
/** The app's storage: encrypted files by path. */
const appFiles = new Map<string, Buffer>();
/** Paths asked for so far: the first request for `/half…` stops after six chunks and hangs. */
const asked = new Set<string>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgres();
  // Random pixels: a PNG no encoder shrinks, a little over nine chunks.
  big = await picture(1000, 800, 'png', true);
  media = await startMediaServer('127.0.0.1', (request, response) => {
    const path = request.url ?? '';
    const encrypted = appFiles.get(path);
    if (encrypted !== undefined) return void response.writeHead(200).end(encrypted);
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': big.length });
    if (path.startsWith('/half') && !asked.has(path)) {
      asked.add(path);
      // Six chunks and a bit, then nothing more: the gateway holding it is killed meanwhile (it
      // has written the first four, a write's worth).
      response.write(big.subarray(0, 6 * CHUNK_BYTES + 1000));
      return;
    }
    response.end(big);
  });
  twilio = await startRecordingServer(twilioAnswer());
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([media?.close(), twilio?.close()]);
  await postgres?.stop();
});

/** Reads a database directly (beside the gateway that uses it), as an operator would. */
interface Reader {
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function readerOf(dir: string, database: { postgres?: string }): Promise<Reader> {
  if (database.postgres !== undefined) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: database.postgres, max: 1 });
    const numbered = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    return {
      rows: async (sql, params = []) => (await pool.query(numbered(sql), params)).rows,
      close: () => pool.end(),
    };
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'gateway.db'), { timeout: 5_000 });
  return {
    rows: async (sql, params = []) => db.prepare(sql).all(...params) as Record<string, unknown>[],
    close: async () => void db.close(),
  };
}

/** Chunk rows of attachment `id`: attempt, number and length, in order. */
const CHUNKS = `SELECT attempt, n, LENGTH(bytes) AS length FROM media_chunks WHERE media_id = ? ORDER BY attempt, n`;

const STORES = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ postgres: await createDatabase(postgres, 'chunks') })],
] as const;

describe.each(STORES.filter(([name]) => name === 'SQLite' || hasPostgres))('on %s', (name, databaseOf) => {
  let dir: string;
  let file: string;
  let database: { postgres?: string };
  let reader: Reader;
  let gateway: Gateway | undefined;

  beforeAll(async () => {
    database = await databaseOf();
    // A download deadline of 6 s: a claim is held for twice that, after a crash too.
    const media = { allowPrivateNetworks: true, timeoutMs: 6_000, attempts: 3 };
    const extra = { push: { enabled: false }, media, ...('postgres' in database ? { database } : {}) };
    ({ dir, file } = await writeTwilioGateway([ALICE], PUBLIC, extra, twilio.origin));
    await setTwilioMediaHosts(dir, ['127.0.0.1'], []);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await reader?.close();
  });

  /** The gateway in this process (started once; on SQLite after the crashed process let go of the file). */
  const inProcess = async (): Promise<Gateway> => {
    gateway ??= await startGateway(
      await loadGateway(file),
      { port: 0 },
      { media: { retryDelaysMs: [50], pollMs: 50 } },
    );
    reader ??= await readerOf(dir, database);
    return gateway;
  };
  const signedPath = async (id: string) => {
    const [key] = await reader.rows(`SELECT value FROM gateway_secrets WHERE name = 'media-url-key'`);
    return `/media/${id}/${signatureOf(String(key?.value), id)}`;
  };
  const chunkCount = () => Math.ceil(big.length / CHUNK_BYTES);

  it('never serves the partial chunks of a gateway killed mid-download, and the retry stores the file whole', async () => {
    const crashing = await serveProcess(file);
    children.push(crashing.child);
    reader ??= await readerOf(dir, database);
    const form = twilioMediaForm('MMcrash', PEER, ALICE.numbers[0] ?? '', 'half', [`${media.origin}/half.png`]);
    const signed = await twilioWebhook(`${PUBLIC}/hooks/twilio/inbound`, form);
    const answer = await fetch(`${crashing.url}/hooks/twilio/inbound`, { method: 'POST', ...signed });
    expect(answer.status).toBe(200);

    let id = '';
    await vi.waitFor(
      async () => {
        const [row] = await reader.rows(`SELECT id FROM media WHERE source_url LIKE '%/half.png'`);
        id = String(row?.id);
        expect((await reader.rows(CHUNKS, [id])).length).toBeGreaterThanOrEqual(4);
      },
      { timeout: 5_000, interval: 20 },
    );
    const path = await signedPath(id);
    expect((await fetch(`${crashing.url}${path}`)).status).toBe(404);
    crashing.child.kill('SIGKILL');
    await once(crashing.child, 'exit');
    const [pending] = await reader.rows(`SELECT state, attempts FROM media WHERE id = ?`, [id]);
    expect([pending?.state, Number(pending?.attempts)]).toEqual(['pending', 1]);

    const survivor = await inProcess();
    // Until the claim of the dead process runs out, the file is pending: asking for it finds nothing.
    const early = await fetch(`${survivor.url}${path}`);
    if (early.status === 200) expect(Buffer.from(await early.arrayBuffer()).equals(big)).toBe(true);
    else expect(early.status).toBe(404);
    await vi.waitFor(
      async () => {
        const [row] = await reader.rows(`SELECT state FROM media WHERE id = ?`, [id]);
        expect(row?.state).toBe('stored');
      },
      { timeout: 60_000, interval: 100 },
    );
    const served = await fetch(`${survivor.url}${path}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(big)).toBe(true);
    // Only the second attempt's chunks are left.
    const rows = await reader.rows(CHUNKS, [id]);
    expect(rows.map((r) => [Number(r.attempt), Number(r.n)])).toEqual(
      Array.from({ length: chunkCount() }, (_, n) => [2, n]),
    );
  }, 90_000);

  it(`stores a file larger than a chunk as ${name === 'SQLite' ? 'rows' : 'rows another process serves'}, byte for byte`, async () => {
    const receiver = await inProcess();
    const event: InboundEvent = {
      type: 'inbound',
      from: PEER,
      to: ALICE.numbers[0] ?? '',
      text: 'big',
      providerMessageId: 'MMbig',
      media: [{ url: `${media.origin}/big.png`, contentType: 'image/png' }],
      dedupeKey: 'MMbig',
    };
    const seq = (await receiver.ingest('twilio.json', [event])).pushes[0]?.seq ?? 0;
    let id = '';
    await vi.waitFor(
      async () => {
        const [entry] = await receiver.store.media.ofMessages('alice', [seq]);
        expect([entry?.state, entry?.size, entry?.contentType]).toEqual(['stored', big.length, 'image/png']);
        expect(entry?.preview?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
        id = entry?.id ?? '';
      },
      { timeout: 20_000, interval: 50 },
    );
    const rows = await reader.rows(CHUNKS, [id]);
    expect(rows.map((r) => [Number(r.attempt), Number(r.n), Number(r.length)])).toEqual(
      Array.from({ length: chunkCount() }, (_, n) => [1, n, Math.min(CHUNK_BYTES, big.length - n * CHUNK_BYTES)]),
    );
    expect(chunkCount()).toBeGreaterThan(8);

    let server = receiver.url;
    if (name === 'PostgreSQL') {
      const other = await serveProcess(file);
      children.push(other.child);
      server = other.url;
    }
    const url = `${server}${await signedPath(id)}`;
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-length')).toBe(String(big.length));
    expect(served.headers.get('transfer-encoding')).toBeNull();
    expect(served.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await served.arrayBuffer()).equals(big)).toBe(true);

    // A range across chunk boundaries, the last bytes, and one past the end.
    const [start, end] = [CHUNK_BYTES - 10, 3 * CHUNK_BYTES + 9];
    const part = await fetch(url, { headers: { range: `bytes=${start}-${end}` } });
    expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')]).toEqual([
      206,
      `bytes ${start}-${end}/${big.length}`,
      String(end - start + 1),
    ]);
    expect(Buffer.from(await part.arrayBuffer()).equals(big.subarray(start, end + 1))).toBe(true);
    const tail = await fetch(url, { headers: { range: 'bytes=-100' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(big.subarray(-100))).toBe(true);
    const past = await fetch(url, { headers: { range: `bytes=${big.length}-` } });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${big.length}`]);
  }, 60_000);

  it('still serves a file stored before chunks, from its one media.bytes value', async () => {
    const g = await inProcess();
    const id = 'legacy-file-stored-by-migration-8';
    const columns = `id, login, seq, position, source_url, content_type, size, filename, state, attempts, bytes, created_ms`;
    await g.store.sql.run(
      `INSERT INTO media (${columns}) VALUES (?, 'alice', 1, 9, '', 'image/png', ?, 'old.png', 'stored', 1, ?, ?)`,
      [id, big.length, big, Date.now()],
    );
    const served = await fetch(`${g.url}${await signedPath(id)}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-length')).toBe(String(big.length));
    expect(Buffer.from(await served.arrayBuffer()).equals(big)).toBe(true);
    const part = await fetch(`${g.url}${await signedPath(id)}`, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(big.subarray(1000, 2000))).toBe(true);
  });

  it('stages an app’s encrypted file as chunks while it decrypts it, and a refused one leaves none', async () => {
    const g = await inProcess();
    const key = randomBytes(16);
    const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16, 0));
    appFiles.set(`/app/${name}`, Buffer.concat([cipher.update(big), cipher.final()]));
    const send = async (hash: number) => {
      const attachment = {
        'content-type': 'image/png',
        'content-url': `${media.origin}/app/${name}`,
        'encryption-key': key.toString('hex'),
        hash: String(hash),
      };
      const response = await sendFileTransfer(g.url, ALICE, PEER, { attachments: [attachment] });
      return { status: response.status, body: (await response.json()) as { sms_id?: string; message?: string } };
    };
    const orphans = `SELECT media_id FROM media_chunks WHERE NOT EXISTS (SELECT 1 FROM media WHERE id = media_id)`;

    const refused = await send((crc32(big) + 1) % 2 ** 32);
    expect(refused).toEqual({
      status: 422,
      body: { message: 'attachment 1 is damaged: its hash does not match; nothing was sent' },
    });
    expect(await reader.rows(orphans)).toEqual([]);

    const sent = await send(crc32(big));
    expect(sent.status).toBe(200);
    const [file] = await g.store.media.ofMessages('alice', [Number(sent.body.sms_id)]);
    expect([file?.state, file?.size, file?.contentType]).toEqual(['stored', big.length, 'image/png']);
    const rows = await reader.rows(CHUNKS, [file?.id ?? '']);
    expect(rows.map((r) => [Number(r.attempt), Number(r.n)])).toEqual(
      Array.from({ length: chunkCount() }, (_, n) => [0, n]),
    );
    const served = await fetch(`${g.url}${await signedPath(file?.id ?? '')}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(big)).toBe(true);
    expect(await reader.rows(orphans)).toEqual([]);
  });

  it('deletes the chunks of files with their messages when retention purges them', async () => {
    const g = await inProcess();
    expect(Number((await reader.rows(`SELECT COUNT(*) AS n FROM media_chunks`))[0]?.n)).toBeGreaterThan(0);
    await g.store.purge(Date.now() + 1000);
    expect(await reader.rows(`SELECT media_id FROM media_chunks`)).toEqual([]);
    expect(await reader.rows(`SELECT id FROM media`)).toEqual([]);
  });
});
