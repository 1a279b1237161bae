/**
 * Holding back a received message until its files have had their first download attempt (issue 17,
 * migration 14). The app's Fetch cursor (`last_known_sms_id`) moves past every message an answer
 * holds, and the app never asks for one again: a picture returned while its file was still
 * downloading would stay, on that device, a message without its picture. So Fetch returns received
 * messages only below the user's lowest held one (never one after it: the cursor would pass the held
 * one), and a hold ends when the first attempt at each of its files ends, stored or failed, or at its
 * deadline, whichever comes first; the deadline is checked in Fetch's own statement, so a process
 * that died mid-download holds nobody's inbox past it.
 *
 * A hold is a row of `media_holds` per attachment, written in the transaction that stores the
 * message. The table is empty but for files being downloaded now, so Fetch's look at it costs one
 * seek in an empty primary key. A trigger deletes the row in the very statement that records the
 * attempt's outcome (state leaves `pending`, or an error is set for a retry), whichever code makes
 * that write; a column on `media` would have been cleared by a second UPDATE of the row that holds
 * the file's bytes, which SQLite rewrites whole.
 */
import type { Migration } from './migration-step.js';

/** The outcome of an attempt is recorded: the file is stored or given up, or set for a retry with its error. */
const ATTEMPT_ENDED = `NEW.state <> 'pending' OR NEW.error IS NOT NULL`;

/**
 * Migration 14: the holds, and the triggers that end them.
 */
export const HOLDS_MIGRATION: Migration = {
  version: 14,
  statements: [
    `CREATE TABLE media_holds (
      login TEXT NOT NULL,
      seq BIGINT NOT NULL,
      position INTEGER NOT NULL,
      until_ms BIGINT NOT NULL,
      PRIMARY KEY (login, seq, position)
    )`,
  ],
  sqlite: [
    `CREATE TRIGGER media_holds_on_attempt AFTER UPDATE OF state, error ON media WHEN ${ATTEMPT_ENDED}
      BEGIN
        DELETE FROM media_holds WHERE login = NEW.login AND seq = NEW.seq AND position = NEW.position;
      END`,
    // Retention deletes files with their messages; a hold must not outlive its file.
    `CREATE TRIGGER media_holds_on_delete AFTER DELETE ON media
      BEGIN
        DELETE FROM media_holds WHERE login = OLD.login AND seq = OLD.seq AND position = OLD.position;
      END`,
  ],
  postgres: [
    `CREATE OR REPLACE FUNCTION media_holds_end() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM media_holds WHERE login = OLD.login AND seq = OLD.seq AND position = OLD.position;
      RETURN NULL;
    END $$`,
    `CREATE TRIGGER media_holds_on_attempt AFTER UPDATE OF state, error ON media FOR EACH ROW
      WHEN (${ATTEMPT_ENDED}) EXECUTE FUNCTION media_holds_end()`,
    `CREATE TRIGGER media_holds_on_delete AFTER DELETE ON media FOR EACH ROW EXECUTE FUNCTION media_holds_end()`,
  ],
};

/**
 * The statements that hold a new message's files, run in its insert's transaction (`?` in the order
 * of {@link holdParams}). The receiving process makes the first attempt (keeper.ts `keepNow`), and
 * takes it here, in the same write: attempt 1 is claimed until the hold's deadline, so no poll takes
 * the file meanwhile (the push sent after `keepNow` would come before the file), and the first
 * download needs no write of its own before it starts. After a crash the poller takes it from the
 * deadline on, as attempt 2.
 */
export const HOLD_SQL = {
  hold: `INSERT INTO media_holds (login, seq, position, until_ms)
    SELECT login, seq, position, ? FROM media WHERE login = ? AND seq = ? AND state = 'pending'`,
  firstTryHere: `UPDATE media SET attempts = 1, next_ms = ? WHERE login = ? AND seq = ? AND state = 'pending' AND attempts = 0`,
} as const;

/** The parameters of both {@link HOLD_SQL} statements: message `seq` of `login` held until `untilMs`. */
export function holdParams(login: string, seq: number, untilMs: number): [number, string, number] {
  return [untilMs, login, seq];
}

/**
 * The condition Fetch's received page adds: below the user's lowest message still held at `?`
 * (now, in ms); the largest BIGINT when none is. Its parameters are the login and now.
 */
export const BELOW_HELD = `seq < COALESCE((SELECT MIN(seq) FROM media_holds WHERE login = ? AND until_ms > ?),
  9223372036854775807)`;
