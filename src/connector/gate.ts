/**
 * A message's wire hooks (DESIGN §4.1): `beforeSend` runs when a request of the message is about to
 * be written to a connection, and `afterNotSent` when everything written so far certainly did not
 * reach the provider and the connector is about to wait before trying again. A journal records its
 * intent in the first and withdraws it in the second, so a message waiting for a retry is not held
 * as "may have gone out" if the process dies meanwhile.
 */
import type { OutgoingMessage } from './outgoing-message.js';
import type { SendResult } from '../result.js';

/** The hooks of one message, shared by all of its requests: recipients, parts, retries and fallbacks. */
export interface Gate {
  /** Before a request is written: whether it may go. Runs `beforeSend` once per stretch of "may have gone out". */
  enter(): Promise<boolean>;
  /** A request entered through the gate ended with `result`. */
  leave(result: SendResult): void;
  /**
   * Before a retry pause: when no request of the message may have reached the provider and none is
   * in flight, runs `afterNotSent`, and the next request runs `beforeSend` again.
   */
  beforePause(): Promise<void> | undefined;
}

type Hooks = Pick<OutgoingMessage, 'beforeSend' | 'afterNotSent'>;

/** Whether `result` may mean the provider has the message. */
export function mayHaveArrived(result: SendResult): boolean {
  return result.ok || result.ambiguous;
}

/** The gate of a message's hooks; undefined when it has none (the hot path then pays nothing). */
export function gateOf(hooks: Hooks): Gate | undefined {
  const { beforeSend, afterNotSent } = hooks;
  if (beforeSend === undefined && afterNotSent === undefined) return undefined;
  let answer: Promise<boolean> | undefined;
  let withdrawing: Promise<void> | undefined;
  let inflight = 0;
  let arrived = false;
  const ask = (): Promise<boolean> =>
    beforeSend === undefined ? Promise.resolve(true) : Promise.resolve(beforeSend()).then((value) => value !== false);
  return {
    enter() {
      inflight++;
      if (answer !== undefined) return answer;
      answer = withdrawing === undefined ? ask() : withdrawing.then(ask);
      return answer;
    },
    leave(result) {
      inflight--;
      if (mayHaveArrived(result)) arrived = true;
    },
    beforePause() {
      if (afterNotSent === undefined || answer === undefined || arrived || inflight > 0) return undefined;
      const entered = answer;
      answer = undefined;
      // A withdrawn message (false) had nothing recorded: there is nothing to take back.
      withdrawing = entered.then((went) => (went ? afterNotSent() : undefined));
      return withdrawing;
    },
  };
}

/**
 * The hooks a router hands to each account it tries for one message: `beforeSend` answered once per
 * stretch (a fallback to the next account reuses the intent already recorded), and `afterNotSent`
 * ending the stretch. Each connector puts its own {@link Gate} in front of them.
 */
export function sharedHooks<T extends Hooks>(message: T): T {
  const { beforeSend, afterNotSent } = message;
  if (beforeSend === undefined) return message;
  let answer: Promise<boolean | void> | undefined;
  const shared: T = { ...message, beforeSend: () => (answer ??= Promise.resolve(beforeSend())) };
  // Without afterNotSent the intent is never withdrawn, so `beforeSend` runs once per message.
  if (afterNotSent !== undefined)
    shared.afterNotSent = () => {
      answer = undefined;
      return afterNotSent();
    };
  return shared;
}
