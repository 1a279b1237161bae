/**
 * Keeps the attachments of inbound messages (DESIGN §11): each was stored as pending with its
 * message, so none is lost; here it is downloaded under its provider's rules, typed by its bytes,
 * given a preview when it is an image, and stored. A failed attempt is tried again with backoff
 * (by whichever process polls first: a claim moves its next try, so two never download one file
 * at once), until the configured attempts are spent or the failure is final (too large, a host
 * the provider file does not name); the message is delivered meanwhile with what arrived.
 */
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Log } from '../ops/log.js';
import type { GatewayMetrics } from '../ops/metrics.js';
import type { MediaEntry } from '../store/media-store.js';
import type { Store } from '../store/store.js';
import { webhookAccounts } from '../webhooks/accounts.js';
import { download } from './download.js';
import { mediaFetchRules, type MediaFetchRules } from './fetch-rules.js';
import { intake } from './intake.js';

/** Options of the keeper. */
export interface KeeperOptions {
  /** Waits before the 2nd, 3rd, … attempt; the last repeats. Default 30 s, 2 min, 10 min, 1 h, 6 h. */
  readonly retryDelaysMs?: readonly number[];
  /** How often pending attachments are looked for. Default 5 s. */
  readonly pollMs?: number;
}

/** The keeper of inbound attachments. */
export interface MediaKeeper {
  /** Makes the first attempt at the attachments of a new message; resolves once each is stored or set for a retry. */
  keepNow(login: string, seq: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_DELAYS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000];

/** Starts a keeper polling for attachments due again. */
export function createMediaKeeper(
  config: GatewayConfig,
  store: Store,
  log: Log,
  metrics: GatewayMetrics,
  options: KeeperOptions = {},
): MediaKeeper {
  const delays = options.retryDelaysMs ?? DEFAULT_DELAYS;
  const rulesByLabel = new Map<string, MediaFetchRules>(
    webhookAccounts(config).map((a) => [a.label, mediaFetchRules(a.provider, a.account)]),
  );
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
    return work;
  };

  /** Attempt `n` at `entry`, already claimed for it. */
  const attempt = async (entry: MediaEntry, n: number): Promise<void> => {
    const message = await store.message(entry.login, entry.seq);
    const rules = message === undefined ? undefined : rulesByLabel.get(message.providerAccount);
    const got =
      rules === undefined
        ? ({ ok: false, error: 'the provider account of this message receives no webhooks here', final: true } as const)
        : await download(entry.sourceUrl, rules, config.media);
    const where = { login: entry.login, sms_id: entry.seq, attachment: entry.position + 1 };
    // The bytes go into the store chunk by chunk as they arrive (intake.ts), never whole.
    const taken = got.ok
      ? await intake(
          store.media,
          { ...entry, attempt: n, declaredType: entry.declaredType ?? got.declaredType },
          got.body,
        )
      : got;
    if (taken.ok) {
      // Lost: the claim ran out and another attempt holds it now; that one records its outcome.
      if (!taken.lost) metrics.mediaDownloads.inc({ result: 'stored' });
      return;
    }
    const giveUp = taken.final || n >= config.media.attempts;
    const retryAt = giveUp ? undefined : Date.now() + (delays[Math.min(n - 1, delays.length - 1)] ?? 60_000);
    await store.media.fail(entry.id, taken.error, retryAt);
    metrics.mediaDownloads.inc({ result: giveUp ? 'failed' : 'retry' });
    log.warn(
      { ...where, attempt: n, error: taken.error },
      giveUp ? 'attachment given up' : 'attachment download failed; will retry',
    );
  };
  /** Claims `entry` for its next attempt and makes it. The claim holds it past a whole download, so a crash mid-way leaves it due again later. */
  const claimed = async (entry: MediaEntry): Promise<void> => {
    if (await store.media.claim(entry.id, entry.attempts, Date.now() + config.media.timeoutMs * 2))
      await attempt(entry, entry.attempts + 1);
  };
  const settle = (entries: readonly MediaEntry[], work: (entry: MediaEntry) => Promise<void>) =>
    Promise.all(
      entries.map((e) =>
        track(work(e)).catch((error: unknown) => log.error({ err: String(error) }, 'keeping an attachment failed')),
      ),
    );

  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      await settle(await store.media.due(Date.now(), 16), claimed);
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll().catch(() => undefined), options.pollMs ?? 5_000);
  timer.unref();

  return {
    async keepNow(login, seq) {
      // The message's insert took attempt 1 for this process (store/media-holds.ts); a file stored
      // without a hold is still untried, and is claimed first.
      const entries = (await store.media.ofMessages(login, [seq])).filter(
        (e) => e.state === 'pending' && e.error === undefined && e.attempts <= 1,
      );
      await settle(entries, (e) => (e.attempts === 1 ? attempt(e, 1) : claimed(e)));
    },
    async close() {
      clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
