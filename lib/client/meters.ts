/** Small live statistics for the readouts: event rates over a sliding window, smoothed values. */

/** Events per second over the last `windowMs` (times in ms, one monotonic clock). */
export class RateMeter {
  private times: number[] = [];

  constructor(private readonly windowMs = 2000) {}

  tick(nowMs: number): void {
    this.times.push(nowMs);
    this.trim(nowMs);
  }

  ratePerS(nowMs: number): number {
    this.trim(nowMs);
    if (this.times.length < 2) return 0;
    // Intervals between the events kept, so the rate is right before a full window has passed.
    const spanMs = Math.max(nowMs - this.times[0], this.times[this.times.length - 1] - this.times[0]);
    return spanMs > 0 ? ((this.times.length - 1) * 1000) / spanMs : 0;
  }

  reset(): void {
    this.times = [];
  }

  private trim(nowMs: number): void {
    const from = nowMs - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop] < from) drop++;
    if (drop) this.times.splice(0, drop);
  }
}

/** Exponential moving average; `gain` is the weight of a new sample (0..1). */
export class Ema {
  private current: number | null = null;

  constructor(private readonly gain = 0.3) {}

  add(sample: number): number {
    this.current = this.current === null ? sample : this.current + this.gain * (sample - this.current);
    return this.current;
  }

  get value(): number | null {
    return this.current;
  }

  reset(): void {
    this.current = null;
  }
}
