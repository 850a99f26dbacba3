import { AuthFailureBackoff } from '@/lib/server/auth-failures';

describe('failed-authentication backoff', () => {
  it('allows a few mistakes, then locks the address out for twice as long each time', () => {
    const b = new AuthFailureBackoff({ freeFailures: 3, firstLockMs: 1000, maxLockMs: 8000 });
    expect([b.fail('a', 0), b.fail('a', 0), b.fail('a', 0)]).toEqual([0, 0, 0]);
    expect(b.lockedForS('a', 0)).toBe(0);
    expect(b.fail('a', 0)).toBe(1);
    expect(b.lockedForS('a', 0)).toBe(1);
    expect(b.lockedForS('a', 1000)).toBe(0);
    expect([b.fail('a', 1000), b.fail('a', 1000), b.fail('a', 1000), b.fail('a', 1000)]).toEqual([2, 4, 8, 8]);
    // Another address is not affected.
    expect(b.lockedForS('b', 1000)).toBe(0);
  });

  it('forgets an address after a quiet period', () => {
    const b = new AuthFailureBackoff({ freeFailures: 1, firstLockMs: 1000, forgetAfterMs: 60_000 });
    b.fail('a', 0);
    expect(b.fail('a', 0)).toBe(1);
    expect(b.fail('a', 120_000)).toBe(0);
  });

  it('keeps at most maxClients addresses', () => {
    const b = new AuthFailureBackoff({ freeFailures: 0, maxClients: 10 });
    for (let i = 0; i < 100; i++) b.fail(`c${i}`, 0);
    expect(b.lockedForS('c99', 0)).toBeGreaterThan(0);
    expect(b.lockedForS('c0', 0)).toBe(0);
  });
});
