/**
 * Wakes the apps: for a new inbound message, one push to every device of its user (Acrobits'
 * NotifyTextMessage by default, the message's sms_id as its id so the app does not show it twice).
 * A transient failure (network, 5xx, 429) is retried with doubling backoff; a 404 — from HTTP or
 * in the JSON answer's `status`/`code`, as pnm2 reports an unregistered token — drops the token.
 * Never throws: push is best effort, and the app fetches on its next start anyway. Each device's
 * push is rendered and sent on its own, so one device's failure never loses another's; at most
 * `concurrency` pushes are in flight at once; `close` gives up pending retries at once and
 * in-flight requests after a bound, so a hanging push service cannot hold a shutdown up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { previewOf } from './preview.js';
import { FILE_TRANSFER, mediaSummary } from '../media/document.js';
import { ConfigError } from 'switchboard/internal/errors.js';
import type { Log } from '../ops/log.js';
import type { PushConfig } from '../config/gateway-config.js';
import type { Device, Store, StoredMessage } from '../store/store.js';
import { compilePushBody, renderPush } from './push-body.js';

/** Options of the pusher. */
export interface PushOptions {
  readonly dispatcher?: Dispatcher;
  /** First backoff, ms (doubles each try). Default 1000. */
  readonly backoffMs?: number;
  /** Per-request timeout, ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Push requests in flight at most, over all users and devices. Default 16. */
  readonly concurrency?: number;
  /** How long `close` lets push requests in flight finish before abandoning them, ms. Default 2000. */
  readonly closeGraceMs?: number;
}

/** The pusher. */
export interface Pusher {
  /** Pushes message `seq` of `login` to each of the user's devices; resolves when every try is done. */
  notify(login: string, seq: number): Promise<void>;
  /**
   * Stops: no new push or retry starts, a waiting retry is given up now, and a request still in
   * flight after `closeGraceMs` is aborted. Resolves when every push has ended.
   */
  close(): Promise<void>;
}

/** How one push attempt ended. */
export type Attempt = 'ok' | 'gone' | 'retry' | 'final';

/** Creates the pusher; throws ConfigError when the body template is wrong. */
export function createPusher(
  config: PushConfig,
  store: Store,
  log: Log,
  options: PushOptions = {},
  count: (result: Attempt | 'error' | 'abandoned') => void = () => undefined,
): Pusher {
  const { body, issues } = compilePushBody(config.postData, config.contentType, 'gateway');
  if (issues.length > 0) throw new ConfigError(issues);
  const backoff = options.backoffMs ?? 1000;
  const timeout = options.timeoutMs ?? 10_000;
  const slots = createSlots(options.concurrency ?? 16);
  // Aborted by close: ends waiting retries at once; `abandon` ends requests in flight after the grace.
  const stopping = new AbortController();
  const abandon = new AbortController();
  const running = new Set<Promise<void>>();

  const once = async (payload: string): Promise<Attempt | 'stopped'> => {
    await slots.take();
    try {
      if (stopping.signal.aborted) return 'stopped';
      const response = await request(config.url, {
        method: 'POST',
        headers: { 'content-type': config.contentType },
        body: payload,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: abandon.signal,
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      });
      const text = await response.body.text();
      return classify(response.statusCode, text);
    } catch {
      return abandon.signal.aborted ? 'stopped' : 'retry';
    } finally {
      slots.give();
    }
  };

  const pushTo = async (device: Device, message: StoredMessage): Promise<void> => {
    const token = device.tokenOther || device.pushToken;
    const appId = device.tokenOther ? device.appIdOther : device.pushAppId;
    if (token === '') return;
    const payload = renderPush(body, {
      verb: 'NotifyTextMessage',
      appId,
      deviceToken: token,
      selector: device.selector,
      sms_id: String(message.seq),
      sender: message.peer,
      stream_id: message.peer,
      // What the push service sees of the message: nothing of its text when the admin says so.
      sms_text: config.includeText ? previewOf(message.text, 100) : '',
    });
    for (let attempt = 1; ; attempt++) {
      const result = await once(payload);
      if (result === 'stopped') {
        count('abandoned');
        log.warn({ login: device.login, device: device.device, attempt }, 'push given up: the gateway is stopping');
        return;
      }
      if (result === 'gone' || result === 'ok' || result === 'final' || attempt >= config.attempts) count(result);
      if (result === 'gone') {
        await store.dropToken(device.login, device.device, token);
        log.info({ login: device.login, device: device.device }, 'push token no longer registered; dropped');
        return;
      }
      if (result === 'ok' || result === 'final' || attempt >= config.attempts) {
        if (result !== 'ok') log.warn({ login: device.login, device: device.device, result, attempt }, 'push failed');
        return;
      }
      await sleep(backoff * 2 ** (attempt - 1), undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  // Each device on its own: a push that cannot be rendered or sent is logged for that device only.
  const guarded = async (device: Device, message: StoredMessage): Promise<void> => {
    try {
      await pushTo(device, message);
    } catch (error) {
      count('error');
      log.error({ login: device.login, device: device.device, sms_id: message.seq, err: String(error) }, 'push failed');
    }
  };

  const notify = async (login: string, seq: number): Promise<void> => {
    if (!config.enabled || stopping.signal.aborted) return;
    try {
      const stored = await store.message(login, seq);
      if (stored === undefined) return;
      const message = stored.contentType === FILE_TRANSFER ? await describeFiles(store, stored) : stored;
      const devices = await store.devices(login);
      await Promise.all(devices.map((d) => guarded(d, message)));
    } catch (error) {
      count('error');
      log.error({ login, sms_id: seq, err: String(error) }, 'push failed');
    }
  };

  return {
    notify(login, seq) {
      const work = notify(login, seq);
      running.add(work);
      void work.finally(() => running.delete(work));
      return work;
    },
    async close() {
      stopping.abort();
      const grace = setTimeout(() => abandon.abort(), options.closeGraceMs ?? 2000);
      await Promise.all(running);
      clearTimeout(grace);
    },
  };
}

/** A counting semaphore: `take` waits for one of `size` slots, `give` hands it back. */
function createSlots(size: number): { take(): Promise<void>; give(): void } {
  let free = Math.max(1, size);
  const waiting: (() => void)[] = [];
  return {
    take: () => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    give: () => {
      const next = waiting.shift();
      if (next === undefined) free++;
      else next();
    },
  };
}

/** Reads a push answer: pnm2 answers 2xx with `{"status": 200|400|404|500, "response"}`. */
function classify(status: number, text: string): Attempt {
  if (status === 404) return 'gone';
  if (status === 429 || status >= 500) return 'retry';
  if (status < 200 || status >= 300) return 'final';
  let inner: unknown;
  try {
    const parsed = JSON.parse(text) as { status?: unknown; code?: unknown };
    inner = parsed.status ?? parsed.code;
  } catch {
    return 'ok'; // not JSON: the HTTP status is all there is
  }
  const code = Number(inner);
  if (!Number.isFinite(code) || (code >= 200 && code < 300)) return 'ok';
  if (code === 404) return 'gone';
  return code >= 500 ? 'retry' : 'final';
}

/** A message with files as its push shows it: what they are ("Photo"), then the caption. */
async function describeFiles(store: Store, message: StoredMessage): Promise<StoredMessage> {
  const summary = mediaSummary(await store.media.ofMessages(message.login, [message.seq]));
  return { ...message, text: message.text === '' ? summary : `${summary}: ${message.text}` };
}
