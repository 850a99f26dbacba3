/**
 * Approximate nearest-neighbour index over unit vectors: HNSW from hnswlib-node in inner
 * product space (inner product = cosine for unit vectors). The only file that imports it.
 *
 * Labels are small integers the caller reuses after a removal. hnswlib re-inserts a deleted
 * label in place (unmark + relink), so the graph never holds more elements than the largest
 * number of templates alive at once. (Its `replaceDeleted` mode is deliberately not used: it
 * can hand a deleted element's slot to a different label and then lose track of a reused one.)
 */
import { HierarchicalNSW } from 'hnswlib-node';

export interface AnnOptions {
  /** Graph degree: higher = better recall, more memory and slower build. */
  m: number;
  /** Candidate list while inserting: higher = better graph, slower build. */
  efConstruction: number;
  /** Candidate list while searching (raised to the number of results asked for). */
  efSearch: number;
}

/**
 * Chosen with `npm run bench:match` (docs/benchmarks.md): at 100k x 128 random vectors,
 * probes of enrolled vectors reach recall@1 1.00 at efSearch 128, p50 ~1.3 ms.
 */
export const ANN_DEFAULTS: AnnOptions = { m: 16, efConstruction: 100, efSearch: 128 };

/** Per-label states; 0 = never added. */
const LIVE = 1;
const DELETED = 2;

export class AnnIndex {
  private readonly index: HierarchicalNSW;
  private readonly dim: number;
  private readonly efSearch: number;
  /** 0 (never added) / LIVE / DELETED per label. */
  private state: Uint8Array;
  private capacity: number;
  private liveCount = 0;
  /** hnswlib-node takes plain arrays; one is reused for every call. */
  private readonly scratch: number[];

  constructor(dim: number, initialCapacity: number, opts: AnnOptions = ANN_DEFAULTS) {
    this.dim = dim;
    this.efSearch = opts.efSearch;
    this.capacity = Math.max(1024, initialCapacity);
    this.index = new HierarchicalNSW('ip', dim);
    this.index.initIndex({ maxElements: this.capacity, m: opts.m, efConstruction: opts.efConstruction, randomSeed: 100 });
    this.index.setEf(opts.efSearch);
    this.state = new Uint8Array(this.capacity);
    this.scratch = new Array<number>(dim).fill(0);
  }

  get size(): number {
    return this.liveCount;
  }

  private toArray(vector: Float32Array): number[] {
    for (let j = 0; j < this.dim; j++) this.scratch[j] = vector[j];
    return this.scratch;
  }

  add(label: number, vector: Float32Array): void {
    if (label >= this.capacity) {
      let grown = this.capacity;
      while (grown <= label) grown *= 2;
      this.index.resizeIndex(grown);
      const state = new Uint8Array(grown);
      state.set(this.state);
      this.state = state;
      this.capacity = grown;
    }
    if (this.state[label] !== LIVE) this.liveCount++;
    this.index.addPoint(this.toArray(vector), label);
    this.state[label] = LIVE;
  }

  remove(label: number): void {
    if (label >= this.capacity || this.state[label] !== LIVE) return;
    this.index.markDelete(label);
    this.state[label] = DELETED;
    this.liveCount--;
  }

  has(label: number): boolean {
    return label < this.capacity && this.state[label] === LIVE;
  }

  /** Labels of (about) the `k` vectors with the largest inner product with `query`, best first. */
  search(query: Float32Array, k: number): number[] {
    const want = Math.min(k, this.liveCount, this.capacity);
    if (want <= 0) return [];
    this.index.setEf(Math.max(this.efSearch, want));
    return this.index.searchKnn(this.toArray(query), want).neighbors;
  }
}
