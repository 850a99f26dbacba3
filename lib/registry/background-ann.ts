/**
 * The approximate (HNSW, `ann-index.ts`) side of the search index and its lifecycle: switched
 * on when the index holds `minTemplates` templates, off again below 90% of that (so it does not
 * flap), and built in the background in slices of a few milliseconds so the event loop keeps
 * serving. Until it holds every template written since it switched on, it is not `caughtUp`
 * and the index answers exactly.
 *
 * Templates are known by label (`TemplateRows`): stable while rows move.
 */
import { AnnIndex, type AnnOptions } from './ann-index';

/** What the index shows the builder: its size, its labels, and a label's vector (null once removed). */
export interface AnnSource {
  count(): number;
  labels(): number[];
  vectorOf(label: number): Float32Array | null;
}

/** The approximate index switches off again below this fraction of `minTemplates`, so it does not flap. */
const OFF_FRACTION = 0.9;
/** Longest slice of background building per event-loop turn, ms. */
const SLICE_MS = 15;

export class BackgroundAnn {
  private ann: AnnIndex | null = null;
  /** Labels written since the index switched on, not yet in it: `pending[pendingHead..]`. */
  private pending: number[] = [];
  private pendingHead = 0;
  private timer: NodeJS.Immediate | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly dim: number,
    private readonly options: AnnOptions,
    private readonly source: AnnSource,
    /** Templates at which the index switches on (Infinity: never). */
    private minTemplates: number,
  ) {}

  get on(): boolean {
    return this.ann !== null;
  }

  /** On and holding every template: searches may use it. */
  get caughtUp(): boolean {
    return this.ann !== null && this.pendingHead === this.pending.length;
  }

  /** Resolves once the index (if on) holds every template. */
  whenReady(): Promise<void> {
    if (!this.ann || this.pendingHead === this.pending.length) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  setMinTemplates(minTemplates: number): void {
    this.minTemplates = minTemplates;
    this.follow();
  }

  /** Switches on or off after the index's size changed. */
  follow(): void {
    const count = this.source.count();
    if (!this.ann && count >= this.minTemplates && count > 0) this.start(count);
    else if (this.ann && count < this.minTemplates * OFF_FRACTION) this.stop();
  }

  /** A template was added (call before `follow`). */
  add(label: number, vector: Float32Array): void {
    if (!this.ann) return;
    // Straight in when the index is caught up; otherwise behind the labels being built.
    if (this.pendingHead === this.pending.length) this.ann.add(label, vector);
    else this.pending.push(label);
  }

  remove(label: number): void {
    this.ann?.remove(label);
  }

  /** Labels of about the `k` nearest templates; only when `caughtUp`. */
  search(query: Float32Array, k: number): number[] {
    return (this.ann as AnnIndex).search(query, k);
  }

  /** Stops background work and drops the index. */
  stop(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    this.ann = null;
    this.pending = [];
    this.pendingHead = 0;
    this.releaseWaiters();
  }

  private start(count: number): void {
    this.ann = new AnnIndex(this.dim, Math.ceil(count * 1.25), this.options);
    this.pending = this.source.labels();
    this.pendingHead = 0;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.pendingHead === this.pending.length) return;
    this.timer = setImmediate(() => {
      this.timer = null;
      this.buildSlice();
    });
  }

  private buildSlice(): void {
    const ann = this.ann;
    if (!ann) return;
    const until = performance.now() + SLICE_MS;
    const pending = this.pending;
    let head = this.pendingHead;
    while (head < pending.length && performance.now() < until) {
      // A burst of points between clock reads: reading the clock costs more than an insert at small sizes.
      for (const end = Math.min(pending.length, head + 16); head < end; head++) {
        const vector = this.source.vectorOf(pending[head]);
        if (vector) ann.add(pending[head], vector); // null: removed while waiting
      }
    }
    if (head < pending.length) {
      this.pendingHead = head;
      this.schedule();
    } else {
      this.pending = [];
      this.pendingHead = 0;
      this.releaseWaiters();
    }
  }

  private releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
