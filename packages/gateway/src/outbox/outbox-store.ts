/**
 * What the dispatcher asks of the store's outbox, shared by the SQLite and PostgreSQL stores. The
 * rows themselves are written by the store's own transactions (events.ts), never here.
 */
import type { Delivery } from './outbox-sql.js';

/** An attempt's result, as written to the delivery. */
export interface Settlement {
  readonly state: 'pending' | 'delivered' | 'dead';
  /** When to try again (pending), else now. */
  readonly nextMs: number;
  readonly status: number | undefined;
  readonly error: string | undefined;
}

/** The outbox of one store, as one process sees it. */
export interface OutboxStore {
  /**
   * Takes up to `limit` due deliveries of `subscription` for this process for `leaseMs`: no other
   * process takes them meanwhile; if this one dies, they are free again when the lease runs out.
   */
  claim(subscription: string, limit: number, leaseMs: number): Promise<Delivery[]>;
  /** Writes an attempt's result; false when this process no longer held the delivery. */
  settle(id: string, settlement: Settlement): Promise<boolean>;
  /** Gives back every delivery this process holds (it stops). */
  release(): Promise<void>;
  /** The subscriptions with pending deliveries (to find those of removed subscriptions). */
  pendingSubscriptions(): Promise<string[]>;
  /** Dead-letters the pending deliveries of a subscription that is no longer configured. */
  orphan(subscription: string, reason: string): Promise<number>;
  /** How many deliveries are pending, and since when the oldest (for metrics). */
  stats(): Promise<{ pending: number; oldestMs: number | undefined }>;
  /** Forgets delivered deliveries done before `beforeMs`; dead ones stay until replayed or handled. */
  purgeDelivered(beforeMs: number): Promise<number>;
}
