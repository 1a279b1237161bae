/**
 * Which reverse proxies the gateway believes about the client's address. `X-Forwarded-For` is
 * written by whoever sends the request, so only the entries added by proxies we run can be
 * believed: a hop count (the last N entries, for N proxies in front) or the proxies' own
 * addresses (entries are believed from the right while they name one of them). The client address
 * is then the one the trusted proxies vouch for, never what the client wrote leftmost. Fastify's
 * `trustProxy` (proxy-addr) takes the addresses; a hop count is made safe below.
 */
import { isIP } from 'node:net';
import { SwitchboardError } from 'switchboard/internal/errors.js';

/** Proxies trusted: how many hops, or their addresses (IPs, CIDR ranges, or proxy-addr's names). */
export type TrustProxy = number | readonly string[];

/** proxy-addr's names for whole ranges. */
const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads `--trust-proxy`: a hop count (`1`), or a comma-separated list of proxy addresses
 * (`10.0.0.5,10.1.0.0/16`). Throws USAGE for anything else.
 * @example parseTrustProxy('1') // 1
 */
export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && hops <= 16) return hops;
  } else {
    const entries = value.split(',').map((e) => e.trim());
    if (entries.length > 0 && entries.every(isProxyAddress)) return entries;
  }
  throw new SwitchboardError(
    'USAGE',
    `--trust-proxy takes the number of proxies in front (1 to 16) or their addresses, comma-separated ` +
      `(e.g. 10.0.0.5,10.1.0.0/16), not "${text}"`,
  );
}

function isProxyAddress(entry: string): boolean {
  if (NAMED.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Fastify's `trustProxy` for `trust`: never `true`, which would believe the leftmost address a
 * client wrote. Fastify refuses a bare hop count, since a client that reaches the gateway directly
 * could write as many hops as it likes; here a hop count is believed only on connections from this
 * machine (the nearest proxy runs beside the gateway), and a direct connection from elsewhere is
 * taken at its own address.
 */
export function fastifyTrustProxy(
  trust: TrustProxy | undefined,
): ((address: string, hop: number) => boolean) | string[] | false {
  if (trust === undefined) return false;
  if (typeof trust !== 'number') return [...trust];
  return (address, hop) => (hop === 0 ? isLoopback(address) : hop < trust);
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\./i.test(address);
}
