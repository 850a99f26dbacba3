/** Token buckets per client, on a clock the test moves. */
import { RateLimiter } from '@/lib/server/rate-limit';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const limiter = new RateLimiter(60, 3); // one token a second, three at once
    expect([0, 0, 0].map((t) => limiter.take('a', t).allowed)).toEqual([true, true, true]);
    expect(limiter.take('a', 0)).toEqual({ allowed: false, retryAfterS: 1 });
    expect(limiter.take('a', 999).allowed).toBe(false);
    expect(limiter.take('a', 1000)).toEqual({ allowed: true, retryAfterS: 0 });
  });

  it('refills at the sustained rate and never above the burst', () => {
    const limiter = new RateLimiter(6, 2); // one token every 10 s
    limiter.take('a', 0);
    limiter.take('a', 0);
    expect(limiter.take('a', 0).retryAfterS).toBe(10);
    expect(limiter.take('a', 5000).retryAfterS).toBe(5);
    // An hour idle refills two tokens, not 360.
    const later = 3_600_000;
    expect([limiter.take('a', later), limiter.take('a', later), limiter.take('a', later)].map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it('keeps clients apart', () => {
    const limiter = new RateLimiter(60, 1);
    expect(limiter.take('key:a', 0).allowed).toBe(true);
    expect(limiter.take('key:a', 0).allowed).toBe(false);
    expect(limiter.take('key:b', 0).allowed).toBe(true);
  });

  it('defaults the burst to ten seconds of the sustained rate', () => {
    const limiter = new RateLimiter(1200);
    const allowed = Array.from({ length: 250 }, () => limiter.take('a', 0)).filter((d) => d.allowed).length;
    expect(allowed).toBe(200);
  });

  it('when full of clients, drops only those whose buckets have refilled', () => {
    const limiter = new RateLimiter(60, 2, 2); // room for two clients
    limiter.take('x', 0);
    limiter.take('x', 0); // empty: holds half a token at 500 ms, state worth keeping
    limiter.take('y', 0); // full again by 500 ms: nothing to keep
    limiter.take('z', 500); // a third client: evicts 'y' only
    expect(limiter.take('x', 500).allowed).toBe(false);
  });
});
