/** The default campaign of a queued send: the prefix of its message ids. */
import { createHash } from 'node:crypto';

/**
 * A campaign id from what defines the send: the account, the text and the input (the CSV's bytes,
 * or the list of numbers). The same send gets the same campaign, so it is not enqueued twice; a
 * different text or file gets another. Give a campaign of your own to enqueue rows appended to a
 * file under the ids the earlier rows had.
 */
export async function defaultCampaign(
  parts: readonly (string | Buffer | AsyncIterable<string | Buffer>)[],
): Promise<string> {
  const hash = createHash('sha256');
  for (const part of parts) {
    // A stream (a CSV file) is hashed as it is read, never held whole.
    if (typeof part === 'string' || Buffer.isBuffer(part)) hash.update(part);
    else for await (const chunk of part) hash.update(chunk);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}
