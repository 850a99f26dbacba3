import { limitKey, parseTrustedProxies, resolveClientAddress } from '@/lib/server/client-address';

describe('client address behind proxies', () => {
  const none = parseTrustedProxies('');

  it('with no trusted proxies, the TCP peer is the client whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('198.51.100.9', '203.0.113.1', none)).toBe('198.51.100.9');
    expect(resolveClientAddress('198.51.100.9', '203.0.113.1, 203.0.113.2', none)).toBe('198.51.100.9');
    expect(resolveClientAddress('::ffff:127.0.0.1', null, none)).toBe('127.0.0.1');
  });

  it('believes only the hop a trusted proxy appended, not the first hop the client wrote', () => {
    const lb = parseTrustedProxies('10.0.0.0/8');
    // The client wrote "1.2.3.4"; the load balancer at 10.0.0.5 appended the real client.
    expect(resolveClientAddress('10.0.0.5', '1.2.3.4, 198.51.100.7', lb)).toBe('198.51.100.7');
    // A chain of trusted proxies is walked until the first untrusted hop.
    expect(resolveClientAddress('10.0.0.5', '1.2.3.4, 198.51.100.7, 10.1.1.1', lb)).toBe('198.51.100.7');
    // A peer outside the trusted networks is the client: its header is not believed.
    expect(resolveClientAddress('198.51.100.9', '1.2.3.4', lb)).toBe('198.51.100.9');
  });

  it('with a hop count (Cloud Run: 1), takes the hop that many proxies in', () => {
    expect(resolveClientAddress('169.254.1.1', 'spoofed, 198.51.100.7', parseTrustedProxies('1'))).toBe('198.51.100.7');
    expect(resolveClientAddress('169.254.1.1', 'spoofed, 198.51.100.7, 35.191.0.1', parseTrustedProxies('2'))).toBe('198.51.100.7');
    // Fewer hops than proxies: the farthest one there is.
    expect(resolveClientAddress('169.254.1.1', null, parseTrustedProxies('1'))).toBe('169.254.1.1');
  });

  it('marks a believed hop that is not an address instead of using it as one', () => {
    expect(resolveClientAddress('127.0.0.1', 'not-an-ip', parseTrustedProxies('127.0.0.1'))).toBe('invalid:not-an-ip');
  });

  it('refuses a setting that is not an address, network or hop count', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseTrustedProxies('proxy.example.com')).toThrow(/not an IP address/);
    expect(parseTrustedProxies('127.0.0.1, ::1, fd00::/8')).toHaveProperty('networks');
  });
});

describe('limit identity', () => {
  it('keeps an IPv4 address as it is and groups IPv6 by its /64', () => {
    expect(limitKey('198.51.100.7')).toBe('198.51.100.7');
    expect(limitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
    expect(limitKey('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64');
    expect(limitKey('unknown')).toBe('unknown');
  });
});
