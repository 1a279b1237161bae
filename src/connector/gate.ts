/** A message's `beforeSend` hook, called at most once however many requests the message makes. */
import type { OutgoingMessage } from './outgoing-message.js';

/** Runs the hook on first use and answers whether the message may go; later calls get the same answer. */
export type Gate = () => Promise<boolean>;

/** The gate of `hook`: `false` from the hook means send nothing; a rejection rejects every caller. */
export function gateOf(hook: NonNullable<OutgoingMessage['beforeSend']>): Gate {
  let answer: Promise<boolean> | undefined;
  return () => (answer ??= Promise.resolve(hook()).then((value) => value !== false));
}
