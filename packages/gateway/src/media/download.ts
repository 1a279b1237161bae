/**
 * Downloads one media URL as its rules allow: only from declared hosts, redirects followed by hand
 * (each hop checked again, at most five), credentials only to the first host, never to a redirect
 * target on another host; bounded in bytes (a declared length over the bound is refused before its
 * body, and the body is cut as soon as it passes the bound) and in time (one deadline for every
 * hop and byte, so a server that drips cannot hold a download open). The body is handed out as it
 * arrives, so a file is never held whole here: the bounds are checked piece by piece, and a piece
 * past them ends the body with a {@link DownloadFailure}.
 */
import { isIP } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { isPrivateAddress, publicOnlyLookup } from './address-guard.js';
import { hostAllowed, type MediaFetchRules } from './fetch-rules.js';

/** Bounds of one download. */
export interface DownloadLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Loopback and private addresses allowed (an on-premises provider, tests). */
  readonly allowPrivateNetworks: boolean;
}

/** Why a download failed (`final`: trying again cannot help). */
export interface DownloadFault {
  readonly ok: false;
  readonly error: string;
  readonly final: boolean;
}

/**
 * A download under way: its body as it arrives, and the type the server declared; or why not.
 * Iterating `body` throws a {@link DownloadFailure} when the bounds are passed or the network fails;
 * leaving the loop early closes the connection.
 */
export type Downloaded =
  | { readonly ok: true; readonly body: AsyncIterable<Buffer>; readonly declaredType: string | undefined }
  | DownloadFault;

/** A download that failed while its body was read. */
export class DownloadFailure extends Error {
  readonly fault: DownloadFault;
  constructor(fault: DownloadFault) {
    super(fault.error);
    this.name = 'DownloadFailure';
    this.fault = fault;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

/** The agents media downloads share: one that refuses private addresses, one that does not. */
const AGENTS = new Map<boolean, Dispatcher>();
function agentFor(allowPrivate: boolean): Dispatcher {
  let agent = AGENTS.get(allowPrivate);
  if (agent === undefined) {
    agent = new Agent({
      connections: 16,
      keepAliveTimeout: 4_000,
      ...(allowPrivate ? {} : { connect: { lookup: publicOnlyLookup } }),
    });
    AGENTS.set(allowPrivate, agent);
  }
  return agent;
}

/** Downloads `url` under `rules` and `limits`. */
export async function download(url: string, rules: MediaFetchRules, limits: DownloadLimits): Promise<Downloaded> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, error: 'the media URL is not a URL', final: true };
  }
  const first = target;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const refusal = hopRefusal(target, hop === 0 ? rules.hosts : [...rules.hosts, ...rules.redirectHosts], limits);
    if (refusal !== undefined) return { ok: false, error: refusal, final: true };
    const credentials = target.host === first.host && rules.authorization !== undefined;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(target, {
        method: 'GET',
        dispatcher: agentFor(limits.allowPrivateNetworks),
        signal,
        headers: credentials ? { authorization: rules.authorization } : {},
        headersTimeout: limits.timeoutMs,
        bodyTimeout: limits.timeoutMs,
      });
    } catch (error) {
      return failure(error, signal);
    }
    if (REDIRECTS.has(response.statusCode)) {
      response.body.resume();
      const location = response.headers.location;
      if (typeof location !== 'string') return { ok: false, error: 'a redirect without a Location', final: true };
      target = new URL(location, target);
      continue;
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      response.body.resume();
      const final = response.statusCode >= 400 && response.statusCode < 500 && response.statusCode !== 429;
      return { ok: false, error: `the media server answered ${response.statusCode}`, final };
    }
    return readBody(response, limits, signal);
  }
  return { ok: false, error: `more than ${MAX_HOPS} redirects`, final: true };
}

/** Why a hop to `url` is refused, or undefined. */
function hopRefusal(url: URL, hosts: readonly string[], limits: DownloadLimits): string | undefined {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && limits.allowPrivateNetworks))
    return `media is downloaded over https only, not ${url.protocol}//${url.host}`;
  if (url.username !== '' || url.password !== '') return 'a media URL with credentials in it is refused';
  if (!hostAllowed(url.hostname, hosts)) return `${url.hostname} is not a media host of the provider file`;
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0 && !limits.allowPrivateNetworks && isPrivateAddress(literal))
    return `${literal} is a private address`;
  return undefined;
}

function readBody(response: Dispatcher.ResponseData, limits: DownloadLimits, signal: AbortSignal): Downloaded {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    response.body.destroy();
    return { ok: false, error: `the file has ${declared} bytes, over the limit of ${limits.maxBytes}`, final: true };
  }
  const type = response.headers['content-type'];
  return {
    ok: true,
    body: bounded(response, limits, signal),
    declaredType: typeof type === 'string' ? type : undefined,
  };
}

/** The body, piece by piece, cut with a failure once it passes the bound or the deadline. */
async function* bounded(
  response: Dispatcher.ResponseData,
  limits: DownloadLimits,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const piece of response.body as AsyncIterable<Buffer>) {
      size += piece.length;
      if (size > limits.maxBytes)
        throw new DownloadFailure({
          ok: false,
          error: `the file is over the limit of ${limits.maxBytes} bytes`,
          final: true,
        });
      yield piece;
    }
  } catch (error) {
    throw error instanceof DownloadFailure ? error : new DownloadFailure(failure(error, signal));
  } finally {
    // A loop left early (a store that refused a chunk) or a failure: the connection is not read on.
    if (!response.body.readableEnded) response.body.destroy();
  }
}

/**
 * The whole body of a download, for a file that must be at hand whole (an app's attachment that
 * is decrypted, checked and perhaps re-encoded); the bounds of the download hold.
 */
export async function wholeBody(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of body) pieces.push(piece);
  return Buffer.concat(pieces);
}

function failure(error: unknown, signal: AbortSignal): DownloadFault {
  if (signal.aborted) return { ok: false, error: 'the download took too long', final: false };
  const code = (error as { code?: string; cause?: { code?: string } }).code;
  const causeCode = (error as { cause?: { code?: string } }).cause?.code;
  if (code === 'MEDIA_PRIVATE_ADDRESS' || causeCode === 'MEDIA_PRIVATE_ADDRESS')
    return { ok: false, error: (error as Error).message, final: true };
  return { ok: false, error: `the download failed: ${(error as Error).message}`, final: false };
}
