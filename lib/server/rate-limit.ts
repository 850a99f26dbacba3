/**
 * Token buckets per client (API key or address), in memory: each instance limits what it
 * serves. Pure apart from the clock, which is passed in.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until one more request would be allowed (0 when allowed). */
  retryAfterS: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  /**
   * @param perMinute sustained requests per minute per client
   * @param burst bucket size: requests a client may make at once
   */
  constructor(
    private readonly perMinute: number,
    private readonly burst: number = Math.max(1, Math.ceil(perMinute / 6)),
    private readonly maxClients = 100_000,
  ) {}

  take(client: string, nowMs: number): RateLimitDecision {
    const ratePerMs = this.perMinute / 60_000;
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= this.maxClients) this.evictFull(nowMs);
      b = { tokens: this.burst, updatedMs: nowMs };
      this.buckets.set(client, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + (nowMs - b.updatedMs) * ratePerMs);
    b.updatedMs = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterS: 0 };
    }
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000)) };
  }

  /** Drops clients whose buckets have refilled: they hold no state worth keeping. */
  private evictFull(nowMs: number): void {
    const ratePerMs = this.perMinute / 60_000;
    for (const [k, b] of this.buckets) {
      if (b.tokens + (nowMs - b.updatedMs) * ratePerMs >= this.burst) this.buckets.delete(k);
    }
  }
}
