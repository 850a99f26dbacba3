/**
 * Who the client is, as an address: the TCP peer of the request, unless that peer is a proxy
 * we were told to trust (FACEREC_TRUSTED_PROXIES), in which case the hop that proxy appended to
 * `X-Forwarded-For` is believed instead, and so on while the hops are trusted. The first hop of
 * `X-Forwarded-For` is written by the client and is never believed on its own. Pure: the peer
 * address comes from lib/server/raw-request.ts.
 */
import net from 'node:net';

/** A hop count (trust that many proxies in front, whatever their addresses) or a list of networks. */
export type TrustedProxies = { hops: number } | { networks: net.BlockList; text: string };

export const NO_TRUSTED_PROXIES: TrustedProxies = { hops: 0 };

/**
 * Parses FACEREC_TRUSTED_PROXIES: empty = none; a whole number N = the N nearest hops are
 * proxies (Cloud Run: 1); otherwise a comma list of addresses and CIDR networks
 * (`10.0.0.0/8, 127.0.0.1, fd00::/8`). Throws with a message naming the bad entry.
 */
export function parseTrustedProxies(text: string | undefined): TrustedProxies {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return NO_TRUSTED_PROXIES;
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    if (hops > 16) throw new Error(`a hop count of ${hops} is not plausible (at most 16)`);
    return { hops };
  }
  const networks = new net.BlockList();
  for (const entry of trimmed.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [address, prefix, extra] = entry.split('/');
    const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
    if (!family || extra !== undefined) throw new Error(`"${entry}" is not an IP address or CIDR network`);
    if (prefix === undefined) {
      networks.addAddress(address, family);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 'ipv4' ? 32 : 128)) throw new Error(`"${entry}" has a bad prefix length`);
    networks.addSubnet(address, bits, family);
  }
  return { networks, text: trimmed };
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) as `10.0.0.1`; anything else unchanged. */
function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

function isTrusted(address: string, trusted: TrustedProxies, hopIndex: number): boolean {
  if ('hops' in trusted) return hopIndex < trusted.hops;
  const plain = plainAddress(address);
  const family = net.isIPv4(plain) ? 'ipv4' : net.isIPv6(plain) ? 'ipv6' : null;
  return family !== null && trusted.networks.check(plain, family);
}

/**
 * The client's address. `peer` is the socket's remote address (null when unknown);
 * `forwardedFor` the X-Forwarded-For header as received (several headers joined by commas).
 * Walks from the nearest hop outwards and stops at the first one that is not a trusted proxy.
 */
export function resolveClientAddress(peer: string | null, forwardedFor: string | null, trusted: TrustedProxies): string {
  if (!peer) return 'unknown';
  // Nearest first: the peer, then the hops each proxy appended, last appended first.
  const hops = [peer, ...(forwardedFor ?? '').split(',').map((h) => h.trim()).filter(Boolean).reverse()];
  let i = 0;
  while (i < hops.length - 1 && isTrusted(hops[i], trusted, i)) i++;
  const address = plainAddress(hops[i]);
  // A hop we are told to believe may still be garbage written by a misconfigured proxy.
  return net.isIP(address) ? address : `invalid:${address.slice(0, 64)}`;
}

/**
 * The identity limits are kept under: the address itself for IPv4, its /64 network for IPv6
 * (one subscriber usually holds a whole /64 and could otherwise rotate through it).
 */
export function limitKey(address: string): string {
  if (!net.isIPv6(address)) return address;
  const expanded = expandIPv6(address);
  return expanded ? `${expanded.slice(0, 4).join(':')}::/64` : address;
}

/** The eight 16-bit groups of an IPv6 address, as hex without leading zeros (null if unparsable). */
function expandIPv6(address: string): string[] | null {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return null;
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 that is not IPv4-mapped, or 64:ff9b::1.2.3.4) counts as two groups.
  const last = (tail !== undefined ? right : left).at(-1);
  if (last && last.includes('.')) {
    const octets = last.split('.').map(Number);
    const groups = [((octets[0] << 8) | octets[1]).toString(16), ((octets[2] << 8) | octets[3]).toString(16)];
    (tail !== undefined ? right : left).splice(-1, 1, ...groups);
  }
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  return [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => parseInt(g, 16).toString(16));
}
