/**
 * How the demo provider fetches a media URL it was given with a send, as providers that take media
 * by URL do: a plain GET, bounded in time and size, recording what came back so that a user (and a
 * test) can see the picture arrived whole.
 */
import { createHash } from 'node:crypto';

/** What one media URL gave the demo provider. */
export interface DemoMediaFetch {
  readonly url: string;
  /** The HTTP status, or 0 when the URL could not be fetched at all (or was over the limit). */
  readonly status: number;
  readonly contentType: string | undefined;
  /** Bytes received. */
  readonly size: number;
  /** SHA-256 of the bytes, in hex. */
  readonly sha256: string;
}

/** The most the demo fetches of one attachment: its provider file's `media.maxBytes`. */
const MAX_BYTES = 5_000_000;

/**
 * Fetches `url` (10 s at most); never throws.
 * @example const { status, size } = await fetchMedia('http://127.0.0.1:8080/media/1');
 */
export async function fetchMedia(url: string): Promise<DemoMediaFetch> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      url,
      status: bytes.length > MAX_BYTES ? 0 : response.status,
      contentType: response.headers.get('content-type') ?? undefined,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  } catch {
    return { url, status: 0, contentType: undefined, size: 0, sha256: '' };
  }
}
