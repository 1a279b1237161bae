/** Results made without a response. */
import type { SendResult } from '../result.js';

/**
 * Sends the parts of a split message one after another; stops at the first failure, so no later
 * part arrives without an earlier one. The result is the last part's, with every part's id.
 */
export async function sendParts(parts: readonly (() => Promise<SendResult>)[]): Promise<SendResult> {
  const ids: string[] = [];
  let result: SendResult | undefined;
  for (const [index, send] of parts.entries()) {
    result = await send();
    if (!result.ok) {
      if (index === 0) return result;
      // Earlier parts were delivered: sending the message again would repeat them.
      const sent = `part ${index + 1} of ${parts.length} failed after ${index === 1 ? 'the first was' : `the first ${index} were`} sent`;
      return { ...result, error: `${sent}: ${result.error}`, retryable: false, partMessageIds: ids };
    }
    if (result.messageId !== undefined) ids.push(result.messageId);
  }
  const last = result as SendResult;
  return ids.length > 0 ? { ...last, messageId: ids[0] as string, partMessageIds: ids } : last;
}

export function localFailure(
  recipient: string,
  code:
    | 'NUMBER_INVALID'
    | 'RENDER_FAILED'
    | 'MESSAGE_TOO_LONG'
    | 'NOT_SENT'
    | 'NO_ROUTE'
    | 'MEDIA_INVALID'
    | 'MEDIA_NOT_SUPPORTED',
  error: string,
): SendResult {
  return { ok: false, recipient, status: 0, error, code, retryable: false, ambiguous: false, durationMs: 0 };
}
