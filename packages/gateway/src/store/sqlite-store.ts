/**
 * The SQLite store (better-sqlite3): one file, WAL journal with `synchronous = FULL`, so a write
 * the gateway acknowledged survives kill -9 and power loss. better-sqlite3 is synchronous; writes
 * share group-committed transactions (group-commit.ts), wrapped in promises to fit the shared
 * {@link Store} interface.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { FETCH_SQL, pageParams, receivedParams, type FetchedMessage } from './fetch-statements.js';
import { createGroupCommit } from './group-commit.js';
import { HOLD_SQL, holdParams } from './media-holds.js';
import { CHUNK_SQL } from './media-chunks.js';
import { MEDIA_SQL, newMediaId, pendingRows } from './media-store.js';
import { MIGRATIONS, statementFor } from './migrations.js';
import { optOutStore } from './opt-outs.js';
import { sqliteMedia } from './sqlite-media.js';
import { checkIntact, createPrivate, damaged, damagedWhileServing, holdLock, isDamage } from './sqlite-file.js';
import {
  SQL,
  deviceRow,
  inboundRow,
  outgoingRow,
  storable,
  toMessage,
  wellFormed,
  windowedRowKey,
  type MessageRow,
} from './statements.js';
import { createOutboxWriter, type OutboxWriter } from '../outbox/events.js';
import { createSqliteOutbox } from '../outbox/sqlite-outbox.js';
import { rankOf, type Device, type DeviceReport, type InboundStored, type SqlRunner, type Store } from './store.js';

type Db = InstanceType<typeof Database>;

/** Applies the migrations not yet recorded, each in its own transaction. */
function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const step of MIGRATIONS) {
    if (applied.has(step.version)) continue;
    db.transaction(() => {
      for (const statement of [...step.statements.map((s) => statementFor(s, 'sqlite')), ...(step.sqlite ?? [])])
        db.exec(statement);
      db.prepare('INSERT INTO migrations (version, applied_ms) VALUES (?, ?)').run(step.version, Date.now());
    })();
  }
}

/**
 * Opens (creating when missing, private to its owner) the SQLite store in `file`, refuses it when
 * another process holds it or SQLite's quick_check finds it damaged, and applies the migrations.
 * Events for the user's application are written by `outbox` in the transaction of their message.
 * @example const store = openSqliteStore('gateway.db');
 */
export function openSqliteStore(file: string, outbox: OutboxWriter = createOutboxWriter([])): Store {
  const lock = holdLock(file);
  let db: Db;
  try {
    createPrivate(file);
    db = new Database(file, { timeout: 2000 });
  } catch (error) {
    lock.close();
    throw error;
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    checkIntact(db, file);
    migrate(db);
  } catch (error) {
    db.close();
    lock.close();
    throw isDamage(error) ? damaged(file, (error as Error).message, error) : error;
  }
  const instance = randomUUID();
  let damage: string | undefined;
  /** Runs `work`; a damaged file it meets is remembered (readiness reports it) before the error goes on. */
  const watch = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (isDamage(error)) damage ??= damagedWhileServing(file, (error as Error).message);
      throw error;
    }
  };
  const q = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Record<
    keyof typeof SQL,
    Database.Statement
  >;
  const insertPending = db.prepare(MEDIA_SQL.insertPending);
  const purgeMedia = db.prepare(MEDIA_SQL.purge);
  const hold = { files: db.prepare(HOLD_SQL.hold), firstTry: db.prepare(HOLD_SQL.firstTryHere) };
  const purgeChunks = db.prepare(CHUNK_SQL.purge);
  const page = { received: db.prepare(FETCH_SQL.received), sent: db.prepare(FETCH_SQL.sent) };
  const nextSeq = (login: string) => (q.nextSeq.get(login) as { last_seq: number }).last_seq;
  const one = (login: string, seq: number) => toMessage(q.bySeq.get(login, seq) as MessageRow);
  const now = () => new Date().toISOString();

  // Claims a webhook's key: whether it is new, and the key its row is stored under (a windowed
  // key's row is keyed by when it was claimed, so a repeat within the window finds the first).
  const claim = (r: { dedupeKey: string; dedupeWindowMs?: number | undefined }) => {
    const at = Date.now();
    if (r.dedupeWindowMs === undefined)
      return { claimed: q.claimWebhookKey.run(r.dedupeKey, at).changes > 0, rowKey: r.dedupeKey };
    const claimed = q.claimWindowedKey.run(r.dedupeKey, at, at + r.dedupeWindowMs, at).changes > 0;
    const { seen_ms: seen } = q.webhookKeySeen.get(r.dedupeKey) as { seen_ms: number };
    return { claimed, rowKey: windowedRowKey(r.dedupeKey, Number(seen)) };
  };
  const inbound = (r: Parameters<Store['insertInbound']>[0]): InboundStored => {
    const { claimed, rowKey } = claim(r);
    const existing = q.byDedupeKey.get(rowKey) as MessageRow | undefined;
    if (!claimed || existing !== undefined)
      return { message: existing === undefined ? undefined : toMessage(existing), inserted: false };
    const seq = nextSeq(r.login);
    q.insertMessage.run(...inboundRow({ ...r, dedupeKey: rowKey }, seq, now()));
    for (const row of pendingRows(r.login, seq, r.media ?? [], newMediaId)) insertPending.run(...row);
    if (r.heldUntilMs !== undefined && (r.media?.length ?? 0) > 0) {
      hold.files.run(...holdParams(r.login, seq, r.heldUntilMs));
      hold.firstTry.run(...holdParams(r.login, seq, r.heldUntilMs));
    }
    const message = one(r.login, seq);
    events.emit('message.received', message);
    return { message, inserted: true };
  };
  const unrouted = (r: Parameters<Store['insertUnrouted']>[0]): boolean => {
    const { claimed, rowKey } = claim(r);
    if (!claimed) return false;
    const row = [randomUUID(), r.providerAccount, r.peer, r.ownNumber, wellFormed(r.text), r.providerMessageId ?? null];
    return q.insertUnrouted.run(...row, r.receivedAt ?? now(), rowKey).changes > 0;
  };
  const saveDevice = (login: string, r: DeviceReport) => {
    const device = r.selector || r.installid;
    const old = q.device.get(login, device) as Record<string, string> | undefined;
    q.upsertDevice.run(...deviceRow(login, device, r, old));
  };
  // Every write goes through here; a batch is one transaction (a failing write rolls all back, and
  // the group commit then runs each alone).
  const batch = db.transaction((works: readonly (() => unknown)[]) => works.map((work) => work()));
  const group = createGroupCommit<() => unknown>((works) => watch(() => batch(works)));
  const write = <T>(work: () => T): Promise<T> => group.write<T>(work);
  const { events, outbox: deliveries } = createSqliteOutbox(db, outbox, write);
  // Plain statements (the API's, the opt-outs'): their writes join the group commit and share its
  // one flush with the writes around them.
  const sql = sqliteRunner(db, write);
  // One process holds the file (its lock file), so every other owner is a stopped process.
  const everyOtherIsStopped = Number.MAX_SAFE_INTEGER;
  const recover = db.transaction(() => {
    const ambiguous = q.intentToAmbiguous.run(instance, everyOtherIsStopped).changes;
    const claimed = q.claimQueued.all(instance, instance, everyOtherIsStopped) as MessageRow[];
    const queued = claimed.map(toMessage).sort((a, b) => a.seq - b.seq);
    return { queued, ambiguous };
  });

  return {
    insertOutgoing: (record, start) =>
      write(() => {
        const row = outgoingRow(record, start, nextSeq(record.login), instance, now());
        q.insertMessage.run(...row.values);
        if (start.state === 'sent' || start.state === 'failed') events.emit('message.status', row.message);
        return row.message;
      }),
    markIntent: (login, seq) => write(() => q.markIntent.run(instance, login, seq).changes > 0),
    withdrawIntent: (login, seq) => write(() => q.withdrawIntent.run(instance, login, seq).changes > 0),
    failQueued: (login, seq, error, code) =>
      write(() => {
        const failed = q.failQueued.run(error, code ?? null, login, seq).changes > 0;
        if (failed) events.emitStatusOf(login, seq, 'failed');
        return failed;
      }),
    markAmbiguous: (login, seq) => write(() => q.intentToAmbiguousOne.run(login, seq).changes > 0),
    recordOutcome: (login, seq, o) => {
      const s = o.state;
      const code = s === 'failed' ? (o.code ?? null) : null;
      return write(() => {
        q.recordOutcome.run(s, storable(o.providerMessageId), storable(o.error), code, s, s, s, s, login, seq);
        if (s !== 'ambiguous') events.emitStatusOf(login, seq, s);
      });
    },
    insertInbound: (record) => write(() => inbound(record)),
    insertUnrouted: (r) => write(() => unrouted(r)),
    applyStatus: (account, ids, status, error) => {
      const rank = rankOf(status);
      const e = error ?? null;
      return write(() => {
        if (ids.uid !== undefined && q.statusByUid.run(status, rank, e, ids.uid, account, rank).changes > 0) {
          events.emitStatusByUid(ids.uid, account);
          return true;
        }
        if (ids.providerMessageId === undefined) return false;
        if (q.statusByProviderId.run(status, rank, e, account, ids.providerMessageId, rank).changes === 0) return false;
        events.emitStatusByProviderId(account, ids.providerMessageId, status);
        return true;
      });
    },
    fetch: async (login, cursors, bounds) =>
      watch(() => ({
        received: page.received.all(...receivedParams(login, cursors.received, bounds, Date.now())) as FetchedMessage[],
        sent: page.sent.all(...pageParams(login, cursors.sent, bounds)) as FetchedMessage[],
      })),
    message: async (login, seq) => {
      const row = watch(() => q.bySeq.get(login, seq) as MessageRow | undefined);
      return row === undefined ? undefined : toMessage(row);
    },
    saveDevice: (login, report) => write(() => saveDevice(login, report)),
    devices: async (login) => watch(() => q.devices.all(login) as Record<string, string>[]).map(toDevice),
    dropToken: (login, device, token) => write(() => void q.dropToken.run(token, token, login, device)),
    recover: async () => watch(recover),
    purge: async (beforeMs) => {
      const deleted = q.purge.run(beforeMs).changes + q.purgeUnrouted.run(new Date(beforeMs).toISOString()).changes;
      purgeMedia.run();
      purgeChunks.run(beforeMs);
      return deleted;
    },
    media: sqliteMedia(db, write),
    forgetWebhookKeys: async (beforeMs) => q.forgetWebhookKeys.run(beforeMs, Date.now()).changes,
    shared: false,
    outbox: deliveries,
    sql,
    // One process serves the file, and its own table counts every failure.
    loginFailures: undefined,
    optOuts: optOutStore(sql),
    // A real read of the file: a closed or damaged database is not ready.
    ping: async () => {
      try {
        return db.open && damage === undefined && watch(() => q.ping.get()) !== undefined;
      } catch {
        return false;
      }
    },
    get damage() {
      return damage;
    },
    close: async () => {
      if (db.open) db.close();
      if (lock.open) lock.close();
    },
  };
}

/**
 * Statements prepared once each; writes join the group commit (`write`), so they share its fsync
 * and never block the event loop on one of their own.
 */
function sqliteRunner(db: Db, write: <T>(work: () => T) => Promise<T>): SqlRunner {
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let made = prepared.get(sql);
    if (made === undefined) {
      made = db.prepare(sql);
      if (prepared.size < 1000) prepared.set(sql, made);
    }
    return made;
  };
  return {
    all: async (sql, params) => statement(sql).all(...params) as Record<string, string | number | null>[],
    run: (sql, params) => write(() => statement(sql).run(...params).changes),
  };
}

/** Maps a devices row. */
export function toDevice(row: Record<string, string>): Device {
  return {
    login: row.login ?? '',
    device: row.device ?? '',
    installid: row.installid ?? '',
    selector: row.selector ?? '',
    pushToken: row.push_token ?? '',
    pushAppId: row.push_appid ?? '',
    tokenCall: row.token_call ?? '',
    appIdCall: row.appid_call ?? '',
    tokenOther: row.token_other ?? '',
    appIdOther: row.appid_other ?? '',
  };
}
