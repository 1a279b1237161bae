/**
 * The client address as the failed-login limit counts it. An IPv6 client usually holds a whole /64
 * (SLAAC, privacy addresses, and providers hand out at least that much to one subscriber), so
 * counting per address would give one attacker 2^64 fresh allowances: IPv6 addresses are counted
 * per /64. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack socket reports for
 * an IPv4 client) is that IPv4 address, so one client has one key however it is written.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The 8 groups of an IPv6 address (zone id dropped, `::` and a trailing dotted quad expanded). */
function groupsOf(address: string): number[] {
  const [head = '', tail] = address.replace(/%.*$/, '').split('::');
  const part = (text: string | undefined): number[] =>
    (text ?? '')
      .split(':')
      .filter((g) => g !== '')
      .flatMap((g) => {
        if (!g.includes('.')) return [parseInt(g, 16)];
        const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
        return [a * 256 + b, c * 256 + d];
      });
  const front = part(head);
  const back = part(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The key of `address` for the failed-login limit: an IPv4 address as it is, an IPv4-mapped IPv6
 * address as its IPv4 address, any other IPv6 address as its /64 (`2001:db8:1:2::/64`); anything
 * else (not an IP address) as it is.
 * @example addressKey('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function addressKey(address: string): string {
  if (isIPv4(address) || !isIPv6(address.replace(/%.*$/, ''))) return address;
  const groups = groupsOf(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
