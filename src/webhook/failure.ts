/**
 * A request the engine refuses. Thrown inside the webhook engine only, and always turned into a
 * result by the receiver: callers never see it thrown.
 */
import type { WebhookAnswer, WebhookFailureCode } from './events.js';

/** The status each failure is answered with: retryable for nothing the provider can fix by retrying. */
const STATUS: Record<WebhookFailureCode, number> = {
  WEBHOOK_UNVERIFIED: 403,
  WEBHOOK_STALE: 403,
  WEBHOOK_MALFORMED: 400,
  WEBHOOK_TOO_LARGE: 413,
  WEBHOOK_METHOD: 405,
  WEBHOOK_UNKNOWN_ENDPOINT: 404,
};

/** A refusal with its code and a reason that holds no secret. */
export class WebhookFailure extends Error {
  constructor(
    readonly code: WebhookFailureCode,
    readonly reason: string,
    /** 401 instead of 403 when credentials were missing, so a client may send them. */
    readonly status: number = STATUS[code],
  ) {
    super(reason);
  }
}

/** The plain-text answer to a refusal. */
export function failureAnswer(failure: WebhookFailure): WebhookAnswer {
  return { status: failure.status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: failure.code };
}
