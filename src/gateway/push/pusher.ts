/**
 * Wakes the apps: for a new inbound message, one push to every device of its user (Acrobits'
 * NotifyTextMessage by default, the message's sms_id as its id so the app does not show it twice).
 * A transient failure (network, 5xx, 429) is retried with doubling backoff; a 404 — from HTTP or
 * in the JSON answer's `status`/`code`, as pnm2 reports an unregistered token — drops the token.
 * Never throws: push is best effort, and the app fetches on its next start anyway.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { ConfigError } from '../../errors.js';
import type { Log } from '../app/context.js';
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
}

/** The pusher. */
export interface Pusher {
  /** Pushes message `seq` of `login` to each of the user's devices; resolves when every try is done. */
  notify(login: string, seq: number): Promise<void>;
}

/** How one push attempt ended. */
export type Attempt = 'ok' | 'gone' | 'retry' | 'final';

/** Creates the pusher; throws ConfigError when the body template is wrong. */
export function createPusher(
  config: PushConfig,
  store: Store,
  log: Log,
  options: PushOptions = {},
  count: (result: Attempt | 'error') => void = () => undefined,
): Pusher {
  const { body, issues } = compilePushBody(config.postData, config.contentType, 'gateway');
  if (issues.length > 0) throw new ConfigError(issues);
  const backoff = options.backoffMs ?? 1000;
  const timeout = options.timeoutMs ?? 10_000;

  const once = async (payload: string): Promise<Attempt> => {
    try {
      const response = await request(config.url, {
        method: 'POST',
        headers: { 'content-type': config.contentType },
        body: payload,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      });
      const text = await response.body.text();
      return classify(response.statusCode, text);
    } catch {
      return 'retry';
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
      sms_text: config.includeText ? message.text.slice(0, 100) : '',
    });
    for (let attempt = 1; ; attempt++) {
      const result = await once(payload);
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
      await sleep(backoff * 2 ** (attempt - 1));
    }
  };

  return {
    async notify(login, seq) {
      if (!config.enabled) return;
      try {
        const message = await store.message(login, seq);
        if (message === undefined) return;
        const devices = await store.devices(login);
        await Promise.all(devices.map((d) => pushTo(d, message)));
      } catch (error) {
        count('error');
        log.error({ login, sms_id: seq, err: String(error) }, 'push failed');
      }
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
