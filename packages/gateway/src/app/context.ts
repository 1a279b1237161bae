/** What every endpoint handler works with. */
import type { GatewayConfig } from '../config/gateway-config.js';
import type { MediaKeeper } from '../media/keeper.js';
import type { GatewayMetrics } from '../ops/metrics.js';
import type { SendQueue } from '../queue/send-queue.js';
import type { Store } from '../store/store.js';
import type { AutoReply } from '../config/opt-out-config.js';
import type { Authenticator } from './auth.js';
import type { Senders } from './senders.js';

import type { Log } from '../ops/log.js';

export type { Log };

/** Work the gateway acknowledged and must finish before it stops (graceful shutdown waits for it). */
export interface Inflight {
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves once nothing tracked is running. */
  drained(): Promise<void>;
  readonly size: number;
}

/** The gateway's parts, for the handlers. */
export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly store: Store;
  readonly auth: Authenticator;
  readonly senders: Senders;
  /** The send queue shared by every gateway process (config `queue`); undefined: this process sends. */
  readonly queue: SendQueue | undefined;
  readonly inflight: Inflight;
  readonly log: Log;
  readonly metrics: GatewayMetrics;
  /** Downloads and keeps the files of inbound messages. */
  readonly media: MediaKeeper;
  /** The key that signs media URLs (shared by every process through the database). */
  readonly mediaKey: string;
  /** Called with each stored inbound message, to push it to the user's devices. */
  readonly notify: (login: string, seq: number) => void;
  /** Called with each reply an opt-out keyword is owed, to send it through the provider. */
  readonly reply: (reply: AutoReply) => void;
}

/** A set of running promises. */
export function createInflight(): Inflight {
  const running = new Set<Promise<unknown>>();
  let waiters: (() => void)[] = [];
  return {
    track(work) {
      running.add(work);
      const done = () => {
        running.delete(work);
        if (running.size === 0) {
          const wake = waiters;
          waiters = [];
          for (const w of wake) w();
        }
      };
      work.then(done, done);
      return work;
    },
    drained() {
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    get size() {
      return running.size;
    },
  };
}
