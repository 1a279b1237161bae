/**
 * The two statements of Fetch, shared by both stores like the others in statements.ts. Each reads
 * only the columns the app's answer holds, named as the answer names them (turning 16-column rows
 * into messages and then into JSON was most of a page's cost), and each page is bounded by the
 * bytes of its texts as well as by count, so that large texts cannot make an answer of many
 * megabytes: the app fetches again from its new cursor. Each reads its direction's own partial
 * index (migration 6), so its cost follows what it returns, not the user's history.
 *
 * Building the JSON in SQL instead measured slower on SQLite (its escaping is slower than V8's
 * JSON.stringify): 1.8 against 1.6 ms for 500 short texts, 21 against 8 ms for 500 texts of 600
 * characters. On PostgreSQL json_agg won for short texts (9 against 12 ms) and lost for long ones
 * (36 against 25 ms), so both databases read columns.
 */
import { BELOW_HELD } from './media-holds.js';

/** One message as the Fetch answer shows it, before the direction's own `sender`/`recipient`. */
export interface FetchedMessage {
  /** The per-user sequence number as text (PostgreSQL returns BIGINT as text, SQLite a number). */
  readonly sms_id: string;
  readonly sending_date: string;
  readonly sms_text: string;
  readonly content_type: string;
  /** Empty when the app asked for none. */
  readonly disposition_notification: string;
  readonly stream_id: string;
}

/** How much one page of one direction may hold. */
export interface PageBounds {
  /** Most messages. */
  readonly count: number;
  /** Most bytes of message text (UTF-8); one message longer than this still comes, alone. */
  readonly bytes: number;
}

/**
 * A page of one direction from `index`, whose WHERE is `which` word for word (a partial index
 * serves only a query that repeats it). The innermost query takes at most `count` rows after the
 * cursor, reading only their text lengths; a running sum finds the last row within `bytes` (the
 * first row always counts, however long); the outer query then reads those rows in full, as a
 * range of the same index.
 *
 * `INDEXED BY` holds SQLite to that index: with statistics (ANALYZE, `PRAGMA optimize`) a user
 * with many messages of one direction made it take the primary key, which reads the other
 * direction's rows too. PostgreSQL plans from per-value statistics and has no such clause
 * ({@link withoutIndexHints}).
 *
 * `bound`, when given, is one more condition on the rows counted: a received page stops below the
 * user's lowest held message (media-holds.ts). The outer query reads a range up to the last row
 * counted, so it holds there too.
 */
function page(index: string, which: string, bound?: string): string {
  return `SELECT CAST(seq AS TEXT) AS sms_id, sending_date, body AS sms_text, content_type, disposition_notification,
    peer AS stream_id
  FROM messages INDEXED BY ${index}
  WHERE login = ? AND ${which} AND seq > ? AND seq <= (
    SELECT MAX(seq) FROM (
      SELECT seq, ROW_NUMBER() OVER w AS n, SUM(size) OVER w AS upto
      FROM (SELECT seq, octet_length(body) AS size FROM messages INDEXED BY ${index}
        WHERE login = ? AND ${which} AND seq > ?${bound === undefined ? '' : ` AND ${bound}`}
        ORDER BY seq LIMIT ?) AS firsts
      WINDOW w AS (ORDER BY seq ROWS UNBOUNDED PRECEDING)) AS bounded
    WHERE n = 1 OR upto <= ?)
  ORDER BY seq`;
}

/**
 * Fetch's statements, with `?` placeholders in the order of {@link receivedParams} and
 * {@link pageParams}. Received pages stop before a message whose files are still on their way
 * (media-holds.ts); sent lists show every send not refused, pending and ambiguous ones included
 * (docs/gateway.md says why).
 */
export const FETCH_SQL = {
  received: page('messages_received', `direction = 'in'`, BELOW_HELD),
  sent: page('messages_sent', `direction = 'out' AND send_state <> 'failed'`),
} as const;

/** A statement without SQLite's `INDEXED BY` clauses, for PostgreSQL. */
export function withoutIndexHints(sql: string): string {
  return sql.replace(/ INDEXED BY \w+/g, '');
}

/** The parameters of {@link FETCH_SQL.received} at `nowMs` (holds whose deadline passed hold no more). */
export function receivedParams(
  login: string,
  cursor: number | undefined,
  bounds: PageBounds,
  nowMs: number,
): (string | number)[] {
  return [login, cursor ?? 0, login, cursor ?? 0, login, nowMs, bounds.count, bounds.bytes];
}

/** The parameters of {@link FETCH_SQL.sent}. */
export function pageParams(login: string, cursor: number | undefined, bounds: PageBounds): (string | number)[] {
  return [login, cursor ?? 0, login, cursor ?? 0, bounds.count, bounds.bytes];
}
