/**
 * An outgoing message's row, written as late and as seldom as the promises allow (DESIGN §4.1).
 * A message that can go at once is written once at the wire, straight as `intent` (taking its
 * sms_id then), and once more with its outcome. It is written as `queued` first only when the app
 * must be answered before its request reached the wire (the send wait passed while it waited for a
 * connection, a rate-limit slot or a retry pause). The steps of one message run one after another,
 * so the answer's insert and the claim at the wire never race.
 */
import type { OutgoingRecord, SendOutcome, Store, StoredMessage } from '../store/store.js';

/** One outgoing message's row, for its sender and for the answer to the app. */
export interface MessageRow {
  /** What the message is: the app's request, or the stored row it was recovered from. */
  readonly record: OutgoingRecord;
  /**
   * The claim at the wire (the connector's `beforeSend`): the row becomes `intent`, inserted so when
   * not written yet. False (send nothing) when another process took it or the app was answered an
   * error. A database error rejects: nothing was claimed, and the request is not written.
   */
  claim(): Promise<boolean>;
  /** The connector's `afterNotSent`: no request reached the provider; the row waits again as `queued`. */
  withdraw(): Promise<void>;
  /**
   * The durable row the answer names (its sms_id); inserted as `queued` when not written yet. When
   * that insert fails, the message is never sent (a later claim answers false) and this rejects.
   */
  stored(): Promise<StoredMessage>;
  /**
   * After an error before the answer: the row when one is durable (the message is kept, and may
   * have gone out), else undefined, and the message is never sent (a later claim answers false).
   */
  refuse(error: unknown): Promise<StoredMessage | undefined>;
  /** Records the outcome; a message settled before it was ever written (refused locally) is inserted settled. */
  settle(outcome: SendOutcome): Promise<void>;
}

/**
 * The row of a message the app just sent; nothing is written yet.
 * @example const row = newMessageRow(store, record); await row.claim();
 */
export function newMessageRow(store: Store, record: OutgoingRecord): MessageRow {
  return messageRow(store, record, undefined);
}

/** The row of a message stored already (`queued`, owned by this process): recovered, or taken from the queue. */
export function storedMessageRow(store: Store, message: StoredMessage): MessageRow {
  return messageRow(store, message, message);
}

function messageRow(store: Store, record: OutgoingRecord, existing: StoredMessage | undefined): MessageRow {
  let row = existing;
  let state: 'none' | 'queued' | 'intent' | 'settled' = existing === undefined ? 'none' : 'queued';
  /** Set when the app was (or is about to be) answered an error: the message must never go. */
  let refused: Error | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(step: () => Promise<T>): Promise<T> => {
    const next = chain.then(step);
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    record,
    claim: () =>
      inTurn(async () => {
        if (refused !== undefined || state === 'settled') return false;
        if (row === undefined) {
          try {
            row = await store.insertOutgoing(record, { state: 'intent' });
          } catch (error) {
            refused = asError(error);
            throw error;
          }
          state = 'intent';
          return true;
        }
        if (state === 'intent') return true;
        const claimed = await store.markIntent(row.login, row.seq);
        if (claimed) state = 'intent';
        return claimed;
      }),
    withdraw: () =>
      inTurn(async () => {
        if (row === undefined || state !== 'intent') return;
        await store.withdrawIntent(row.login, row.seq);
        state = 'queued';
      }),
    stored: () =>
      inTurn(async () => {
        if (row !== undefined) return row;
        if (refused !== undefined) throw refused;
        try {
          row = await store.insertOutgoing(record, { state: 'queued' });
        } catch (error) {
          refused = asError(error);
          throw error;
        }
        state = 'queued';
        return row;
      }),
    refuse: (error) =>
      inTurn(async () => {
        if (row === undefined) refused ??= asError(error);
        return row;
      }),
    settle: (outcome) =>
      inTurn(async () => {
        if (row === undefined) row = await store.insertOutgoing(record, outcome);
        else await store.recordOutcome(row.login, row.seq, outcome);
        state = 'settled';
      }),
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error('the message could not be recorded', { cause: error });
}
