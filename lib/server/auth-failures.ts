/**
 * Backoff after failed authentication, per client address, in memory (each instance counts
 * what it serves). A few mistakes are free; after that each further failure locks the address
 * out of key checks for twice as long as the last, up to `maxLockMs`. While locked out every
 * request that presents a key is refused before the key is looked at, so guessing gets no
 * answers. The count is forgotten after `forgetAfterMs` without failures. Pure apart from the
 * clock, which is passed in.
 */
export interface AuthFailureOptions {
  /** Failures allowed before the first lockout. */
  freeFailures: number;
  /** First lockout (ms); doubles with each further failure. */
  firstLockMs: number;
  maxLockMs: number;
  /** A client with no failure for this long starts again from zero. */
  forgetAfterMs: number;
  /** Addresses tracked at most; beyond, the quietest are dropped. */
  maxClients: number;
}

export const DEFAULT_AUTH_FAILURE_OPTIONS: AuthFailureOptions = {
  freeFailures: 5,
  firstLockMs: 1_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxClients: 100_000,
};

interface Entry {
  failures: number;
  lastFailureMs: number;
  lockedUntilMs: number;
}

export class AuthFailureBackoff {
  private readonly clients = new Map<string, Entry>();
  private readonly opts: AuthFailureOptions;

  constructor(opts: Partial<AuthFailureOptions> = {}) {
    this.opts = { ...DEFAULT_AUTH_FAILURE_OPTIONS, ...opts };
  }

  /** Seconds the client must wait before a key of theirs is checked again (0: go ahead). */
  lockedForS(client: string, nowMs: number): number {
    const e = this.current(client, nowMs);
    return e && e.lockedUntilMs > nowMs ? Math.max(1, Math.ceil((e.lockedUntilMs - nowMs) / 1000)) : 0;
  }

  /** Records a failed authentication; returns the lockout it started, in seconds (0: none yet). */
  fail(client: string, nowMs: number): number {
    let e = this.current(client, nowMs);
    if (!e) {
      if (this.clients.size >= this.opts.maxClients) this.evict(nowMs);
      e = { failures: 0, lastFailureMs: nowMs, lockedUntilMs: 0 };
      this.clients.set(client, e);
    }
    e.failures++;
    e.lastFailureMs = nowMs;
    const over = e.failures - this.opts.freeFailures;
    if (over <= 0) return 0;
    const lockMs = Math.min(this.opts.maxLockMs, this.opts.firstLockMs * 2 ** Math.min(over - 1, 30));
    e.lockedUntilMs = nowMs + lockMs;
    return Math.ceil(lockMs / 1000);
  }

  private current(client: string, nowMs: number): Entry | undefined {
    const e = this.clients.get(client);
    if (e && nowMs - e.lastFailureMs > this.opts.forgetAfterMs && e.lockedUntilMs <= nowMs) {
      this.clients.delete(client);
      return undefined;
    }
    return e;
  }

  private evict(nowMs: number): void {
    for (const [k, e] of this.clients) if (nowMs - e.lastFailureMs > this.opts.forgetAfterMs && e.lockedUntilMs <= nowMs) this.clients.delete(k);
    // Still full: drop the oldest (Map keeps insertion order) rather than grow without bound.
    for (const k of this.clients.keys()) {
      if (this.clients.size < this.opts.maxClients) break;
      this.clients.delete(k);
    }
  }
}
