/**
 * A loopback provider for crash tests that counts what reached it: it refuses one recipient's first
 * request with a 503 and a long Retry-After (so that message waits for its retry), holds every other
 * request unanswered (so it is on the wire when the sender dies), and answers 200 to everything
 * once told to. Requests carry the JSON body of `bulkDir`'s provider (`to`, `text`, `ref`).
 */
import type { ServerResponse } from 'node:http';
import type { Answer, RecordedRequest } from '../../src/fixtures/recording-server.js';

/** What the provider saw and does. */
export interface HoldingProvider {
  /** The recording server's answer function. */
  readonly answer: (request: RecordedRequest) => Answer;
  /** Requests held unanswered, with their recipient. */
  readonly held: readonly { readonly to: string; readonly res: ServerResponse }[];
  /** Whether the refused recipient got its 503. */
  readonly refused: boolean;
  /** From now on, answer every request 200 at once. */
  answerAll(): void;
  /** Requests received for `to`, answered or not. */
  received(to: string): number;
  /** Requests for `to` answered 200. */
  accepted(to: string): number;
}

/**
 * `retryAfter` (seconds) must outlast the time the test takes to kill the sender once the refusal is
 * recorded; queue workers share it through Redis, so the next worker waits it out too.
 */
export function holdingProvider(
  refuse: string,
  retryAfter = 60,
  recipientOf = (body: string) => (JSON.parse(body) as { to: string }).to,
) {
  const held: { to: string; res: ServerResponse }[] = [];
  const received = new Map<string, number>();
  const accepted = new Map<string, number>();
  let refused = false;
  let answering = false;
  const add = (map: Map<string, number>, to: string) => map.set(to, (map.get(to) ?? 0) + 1);
  const provider: HoldingProvider = {
    answer: (request) => (_request, res) => {
      const to = recipientOf(request.body);
      add(received, to);
      if (answering) {
        add(accepted, to);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else if (to === refuse && !refused) {
        refused = true;
        res.writeHead(503, { 'retry-after': String(retryAfter) }).end();
      } else held.push({ to, res });
    },
    held,
    get refused() {
      return refused;
    },
    answerAll() {
      answering = true;
    },
    received: (to) => received.get(to) ?? 0,
    accepted: (to) => accepted.get(to) ?? 0,
  };
  return provider;
}
