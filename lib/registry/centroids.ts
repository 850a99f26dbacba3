/**
 * Person centroids for person-level search: for every person slot of the search index, the sum of
 * their unit template vectors (float64, so adds and removes do not drift) and the renormalised
 * mean in one contiguous matrix, rows indexed by slot. Open-set identification scores people
 * by their centroid (lib/vision/open-set.ts): with several photos of a person it names more of
 * their faces than the best single template does, at the same rate of strangers named.
 *
 * Search is exact (one pass of dot products over the people, not the templates); a slot
 * without templates is skipped. A person's crowding (how close their centroid is to their
 * nearest other people: look-alike-prone people get a stricter bar) is computed when asked and
 * kept until the next change of any centroid.
 */
import { l2NormalizeInto } from '../math/vector';
import { BLOCK_ROWS, VectorMatrix } from './vector-matrix';

export class PersonCentroids {
  private readonly dim: number;
  private readonly matrix: VectorMatrix;
  private sums: Float64Array;
  private counts: Int32Array;
  private readonly unit: Float32Array;
  private slots = 0;
  private populatedSlots = 0;
  /** Bumped by every change of a centroid: crowding computed before it is stale. */
  private version = 0;
  private readonly crowdingCache = new Map<number, { version: number; neighbours: number; value: number | null }>();

  constructor(dim: number, opts: { useWasm?: boolean } = {}) {
    this.dim = dim;
    this.matrix = new VectorMatrix(dim, { initialRows: 256, useWasm: opts.useWasm });
    this.sums = new Float64Array(256 * dim);
    this.counts = new Int32Array(256);
    this.unit = new Float32Array(dim);
  }

  /** Slots with at least one template: the people a search can return. */
  get populated(): number {
    return this.populatedSlots;
  }

  /** Templates behind the slot's centroid. */
  count(slot: number): number {
    return slot < this.slots ? this.counts[slot] : 0;
  }

  add(slot: number, vector: Float32Array): void {
    this.ensureSlots(slot + 1);
    this.accumulate(slot, vector, 1);
  }

  remove(slot: number, vector: Float32Array): void {
    this.accumulate(slot, vector, -1);
  }

  clear(slot: number): void {
    if (slot >= this.slots) return;
    this.version++;
    this.sums.fill(0, slot * this.dim, (slot + 1) * this.dim);
    if (this.counts[slot] > 0) this.populatedSlots--;
    this.counts[slot] = 0;
    this.matrix.setRow(slot, this.unit.fill(0));
  }

  /** The `k` slots whose centroids are most similar to the unit vector `query`, best first. */
  search(query: Float32Array, k: number): { slot: number; similarity: number; templates: number }[] {
    if (k <= 0) return [];
    this.matrix.setQuery(query);
    const top: { slot: number; similarity: number; templates: number }[] = [];
    let bar = -Infinity;
    for (let first = 0; first < this.slots; first += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, this.slots - first);
      const scores = this.matrix.scoreBlock(first, count);
      for (let i = 0; i < count; i++) {
        const slot = first + i;
        if (this.counts[slot] === 0 || scores[i] <= bar) continue;
        // float32 sums of unit vectors can overshoot by an ulp or two
        const entry = { slot, similarity: Math.max(-1, Math.min(1, scores[i])), templates: this.counts[slot] };
        let at = top.length;
        while (at > 0 && top[at - 1].similarity < entry.similarity) at--;
        top.splice(at, 0, entry);
        if (top.length > k) top.pop();
        if (top.length === k) bar = top[k - 1].similarity;
      }
    }
    return top;
  }

  /**
   * Mean similarity of the slot's centroid to the `neighbours` most similar other people's, or
   * null when nobody else has a template. One pass over the people, then cached.
   */
  crowding(slot: number, neighbours: number): number | null {
    const hit = this.crowdingCache.get(slot);
    if (hit && hit.version === this.version && hit.neighbours === neighbours) return hit.value;
    this.matrix.setQuery(this.matrix.rowView(slot));
    const top: number[] = [];
    for (let first = 0; first < this.slots; first += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, this.slots - first);
      const scores = this.matrix.scoreBlock(first, count);
      for (let i = 0; i < count; i++) {
        const other = first + i;
        if (other === slot || this.counts[other] === 0) continue;
        if (top.length < neighbours) top.push(scores[i]);
        else {
          let low = 0;
          for (let j = 1; j < top.length; j++) if (top[j] < top[low]) low = j;
          if (scores[i] > top[low]) top[low] = scores[i];
        }
      }
    }
    const value = top.length ? top.reduce((a, b) => a + b, 0) / top.length : null;
    this.crowdingCache.set(slot, { version: this.version, neighbours, value });
    return value;
  }

  private accumulate(slot: number, vector: Float32Array, sign: 1 | -1): void {
    this.version++;
    const base = slot * this.dim;
    for (let j = 0; j < this.dim; j++) this.sums[base + j] += sign * vector[j];
    const before = this.counts[slot];
    this.counts[slot] = Math.max(0, before + sign);
    if (before === 0 && sign === 1) this.populatedSlots++;
    if (this.counts[slot] === 0) {
      if (before > 0) this.populatedSlots--;
      this.sums.fill(0, base, base + this.dim);
      this.matrix.setRow(slot, this.unit.fill(0));
      return;
    }
    if (!l2NormalizeInto(this.sums.subarray(base, base + this.dim), this.unit)) this.unit.fill(0);
    this.matrix.setRow(slot, this.unit);
  }

  private ensureSlots(slots: number): void {
    if (slots > this.counts.length) {
      let capacity = this.counts.length;
      while (capacity < slots) capacity *= 2;
      const sums = new Float64Array(capacity * this.dim);
      sums.set(this.sums);
      this.sums = sums;
      const counts = new Int32Array(capacity);
      counts.set(this.counts);
      this.counts = counts;
      this.matrix.ensureCapacity(capacity);
    }
    this.slots = Math.max(this.slots, slots);
  }
}
