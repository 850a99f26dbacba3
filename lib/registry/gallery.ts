/**
 * The in-memory search index: every person (id, name) and every template of the registry's
 * model (id, unit vector), mirrored from the database and updated on every write.
 *
 * Search is exact by default: one pass of blocked dot products over the contiguous vector
 * matrix (`vector-matrix.ts`), keeping the best `k` people on the fly, so nothing per template
 * is allocated or dereferenced in the loop. Per-template data lives in typed arrays indexed by
 * row; a removal moves the last row into the hole (swap-remove), so rows stay dense.
 *
 * Above `annMinTemplates` templates an HNSW index (`ann-index.ts`) is built in the background,
 * in slices of a few milliseconds so the event loop keeps serving; exact search answers until
 * it has caught up with every write, then approximate candidates are re-scored exactly.
 */
import { ANN_DEFAULTS, AnnIndex, type AnnOptions } from './ann-index';
import { PersonCentroids } from './centroids';
import type { IndexState, PersonHit, SearchHit } from './registry';
import { BLOCK_ROWS, VectorMatrix } from './vector-matrix';

export interface GalleryOptions {
  dim: number;
  /** Templates at which the approximate index switches on (Infinity: never). */
  annMinTemplates?: number;
  ann?: AnnOptions;
  /** false forces the plain-JS kernel (tests compare both). */
  useWasm?: boolean;
  /** Rows to reserve up front (loading a known number of templates). */
  initialRows?: number;
}

/** A person as the database holds it now, for re-syncing one person after another instance's write. */
export interface PersonSnapshot {
  id: string;
  name: string;
  /** Templates of this gallery's model, unit vectors. */
  templates: { id: string; embedding: Float32Array }[];
  /** Templates of other models. */
  staleCount: number;
}

const NONE = -1;
/** The approximate index switches off again below this fraction of `annMinTemplates`, so it does not flap. */
const ANN_OFF_FRACTION = 0.9;
/** Longest slice of background HNSW building per event-loop turn, ms. */
const ANN_SLICE_MS = 15;
/** Candidates fetched from HNSW per person wanted: people have several templates each. */
const ANN_CANDIDATES_PER_HIT = 8;
const ANN_MIN_CANDIDATES = 32;
/** Above this k, search keeps every person's best score instead of a running top-k list (and skips HNSW). */
const SMALL_K = 32;

export class Gallery {
  readonly dim: number;
  private readonly matrix: VectorMatrix;
  /** Each person's centroid, by slot (person-level search). */
  private readonly centroids: PersonCentroids;
  private annMinTemplates: number;
  private readonly annOptions: AnnOptions;

  // People, by slot. Slots of deleted people are reused.
  private readonly slotByPersonId = new Map<string, number>();
  private personIds: (string | null)[] = [];
  private personNames: string[] = [];
  /** First row of the person's list of rows, or NONE. */
  private personHead: Int32Array = new Int32Array(1024).fill(NONE);
  private personStale: Int32Array = new Int32Array(1024);
  private freePersonSlots: number[] = [];
  private peopleCount = 0;
  private staleTotal = 0;

  // Templates, by row (dense: 0 .. rows - 1).
  private rows = 0;
  private rowPerson: Int32Array;
  /** Doubly linked list of each person's rows. */
  private rowNext: Int32Array;
  private rowPrev: Int32Array;
  /** Stable small integer per template (HNSW label), independent of row moves. */
  private rowLabel: Int32Array;
  /** Template UUIDs, 16 bytes per row (no per-template strings kept). */
  private rowUuid: Uint8Array;
  private labelRow: Int32Array;
  private freeLabels: number[] = [];
  private labelsIssued = 0;

  // Approximate index.
  private ann: AnnIndex | null = null;
  /** Labels written since the approximate index started, not yet in it: `annPending[annPendingHead..]`. */
  private annPending: number[] = [];
  private annPendingHead = 0;
  private annTimer: NodeJS.Immediate | null = null;
  private annWaiters: (() => void)[] = [];

  // Search scratch: the best `k` people so far, best first.
  private topScore: Float32Array = new Float32Array(16);
  private topSlot: Int32Array = new Int32Array(16);
  private topRow: Int32Array = new Int32Array(16);
  private readonly unitQuery: Float32Array;
  /** Per-person best score and row, for searches with a large k. */
  private bestBySlot: Float32Array = new Float32Array(0);
  private bestRowBySlot: Int32Array = new Int32Array(0);
  private readonly uuidScratch = new Uint8Array(16);

  constructor(opts: GalleryOptions) {
    this.dim = opts.dim;
    this.annMinTemplates = opts.annMinTemplates ?? Infinity;
    this.annOptions = opts.ann ?? ANN_DEFAULTS;
    this.matrix = new VectorMatrix(opts.dim, { initialRows: opts.initialRows, useWasm: opts.useWasm });
    this.centroids = new PersonCentroids(opts.dim, { useWasm: opts.useWasm });
    const capacity = this.matrix.capacity;
    this.rowPerson = new Int32Array(capacity);
    this.rowNext = new Int32Array(capacity);
    this.rowPrev = new Int32Array(capacity);
    this.rowLabel = new Int32Array(capacity);
    this.rowUuid = new Uint8Array(capacity * 16);
    this.labelRow = new Int32Array(capacity).fill(NONE);
    this.unitQuery = new Float32Array(opts.dim);
  }

  get usesWasm(): boolean {
    return this.matrix.usesWasm;
  }

  size(): { people: number; templates: number; staleTemplates: number } {
    return { people: this.peopleCount, templates: this.rows, staleTemplates: this.staleTotal };
  }

  /** People with at least one template of this gallery's model: those a search can return. */
  searchablePeople(): number {
    return this.centroids.populated;
  }

  indexState(): IndexState {
    if (!this.ann) return { kind: 'exact', building: false };
    return this.annPendingHead === this.annPending.length ? { kind: 'approximate', building: false } : { kind: 'exact', building: true };
  }

  /** Resolves once the approximate index (if on) holds every template. */
  whenReady(): Promise<void> {
    if (!this.ann || this.annPendingHead === this.annPending.length) return Promise.resolve();
    return new Promise((resolve) => this.annWaiters.push(resolve));
  }

  /** Approximate bytes held (benchmark report): vectors, per-row arrays; not the HNSW graph. */
  byteLength(): number {
    const perRow = this.rowPerson.byteLength * 4 + this.labelRow.byteLength + this.rowUuid.byteLength;
    return this.matrix.byteLength + perRow;
  }

  hasPerson(personId: string): boolean {
    return this.slotByPersonId.has(personId);
  }

  /** Adds the person, or renames them. */
  upsertPerson(personId: string, name: string): void {
    const slot = this.slotByPersonId.get(personId);
    if (slot !== undefined) {
      this.personNames[slot] = name;
      return;
    }
    const fresh = this.freePersonSlots.pop() ?? this.personIds.length;
    if (fresh >= this.personHead.length) {
      this.personHead = grow(this.personHead, fresh + 1, NONE);
      this.personStale = grow(this.personStale, fresh + 1, 0);
    }
    this.personIds[fresh] = personId;
    this.personNames[fresh] = name;
    this.personHead[fresh] = NONE;
    this.personStale[fresh] = 0;
    this.slotByPersonId.set(personId, fresh);
    this.peopleCount++;
  }

  /** Removes the person and all their templates; false if unknown. */
  removePerson(personId: string): boolean {
    const slot = this.slotByPersonId.get(personId);
    if (slot === undefined) return false;
    while (this.personHead[slot] !== NONE) this.removeRow(this.personHead[slot]);
    this.centroids.clear(slot);
    this.staleTotal -= this.personStale[slot];
    this.personStale[slot] = 0;
    this.personIds[slot] = null;
    this.personNames[slot] = '';
    this.slotByPersonId.delete(personId);
    this.freePersonSlots.push(slot);
    this.peopleCount--;
    this.updateAnnSwitch();
    return true;
  }

  /** Sets how many of the person's templates are of other models. */
  setStaleCount(personId: string, count: number): void {
    const slot = this.slotByPersonId.get(personId);
    if (slot === undefined) return;
    this.staleTotal += count - this.personStale[slot];
    this.personStale[slot] = count;
  }

  /** Adds `delta` to the person's count of templates of other models. */
  addStaleCount(personId: string, delta: number): void {
    const slot = this.slotByPersonId.get(personId);
    if (slot === undefined) return;
    this.personStale[slot] += delta;
    this.staleTotal += delta;
  }

  /** Changes the size at which the approximate index switches on (bulk loads set it afterwards). */
  setAnnMinTemplates(annMinTemplates: number): void {
    this.annMinTemplates = annMinTemplates;
    this.updateAnnSwitch();
  }

  /** Adds a template of the gallery's model to a known person; `embedding` must be unit length. */
  addTemplate(personId: string, templateId: string, embedding: Float32Array): void {
    const slot = this.slotByPersonId.get(personId);
    if (slot === undefined) throw new Error(`gallery: unknown person ${personId}`);
    if (embedding.length !== this.dim) throw new Error(`gallery: embedding of length ${embedding.length}, expected ${this.dim}`);
    const row = this.rows;
    this.ensureRows(row + 1);
    this.matrix.setRow(row, embedding);
    this.centroids.add(slot, this.matrix.rowView(row));
    writeUuid(templateId, this.rowUuid, row * 16);
    this.rowPerson[row] = slot;
    // Link at the head of the person's list.
    const head = this.personHead[slot];
    this.rowPrev[row] = NONE;
    this.rowNext[row] = head;
    if (head !== NONE) this.rowPrev[head] = row;
    this.personHead[slot] = row;
    const label = this.freeLabels.pop() ?? this.labelsIssued++;
    this.rowLabel[row] = label;
    this.labelRow[label] = row;
    this.rows++;
    if (this.ann) {
      // Straight in when the index is caught up; otherwise behind the labels being built.
      if (this.annPendingHead === this.annPending.length) this.ann.add(label, embedding);
      else this.annPending.push(label);
    }
    this.updateAnnSwitch();
  }

  /** Removes one template; false if the person has no such template here. */
  removeTemplate(personId: string, templateId: string): boolean {
    const row = this.findRow(personId, templateId);
    if (row === NONE) return false;
    this.removeRow(row);
    this.updateAnnSwitch();
    return true;
  }

  hasTemplate(personId: string, templateId: string): boolean {
    return this.findRow(personId, templateId) !== NONE;
  }

  /** Brings one person in line with the database (another instance wrote it); null = deleted. */
  syncPerson(personId: string, snapshot: PersonSnapshot | null): void {
    if (!snapshot) {
      this.removePerson(personId);
      return;
    }
    this.upsertPerson(personId, snapshot.name);
    const wanted = new Set(snapshot.templates.map((t) => t.id));
    const slot = this.slotByPersonId.get(personId) as number;
    const present = new Set<string>();
    for (let row = this.personHead[slot]; row !== NONE; row = this.rowNext[row]) present.add(readUuid(this.rowUuid, row * 16));
    for (const id of present) if (!wanted.has(id)) this.removeRow(this.findRow(personId, id));
    for (const t of snapshot.templates) if (!present.has(t.id)) this.addTemplate(personId, t.id, t.embedding);
    this.setStaleCount(personId, snapshot.staleCount);
    this.updateAnnSwitch();
  }

  /**
   * The best `k` people by their best template's cosine similarity to `vector` (any length:
   * normalised here), each at least `minSimilarity`, best first.
   */
  search(vector: Float32Array, k: number, minSimilarity: number): SearchHit[] {
    if (k <= 0 || this.rows === 0) return [];
    k = Math.min(k, this.peopleCount);
    const query = this.normaliseQuery(vector);
    if (!query) return [];
    this.matrix.setQuery(query);
    this.reserveTop(k);
    let found: number;
    if (k > SMALL_K) found = this.searchExactManyPeople(k, minSimilarity);
    else if (this.ann && this.annPendingHead === this.annPending.length) found = this.searchApproximate(query, k, minSimilarity);
    else found = this.searchExact(k, minSimilarity);
    const hits: SearchHit[] = [];
    for (let i = 0; i < found; i++) {
      const slot = this.topSlot[i];
      hits.push({
        personId: this.personIds[slot] as string,
        name: this.personNames[slot],
        templateId: readUuid(this.rowUuid, this.topRow[i] * 16),
        // float32 sums of unit vectors can overshoot by an ulp or two
        similarity: Math.max(-1, Math.min(1, this.topScore[i])),
      });
    }
    return hits;
  }

  /** The best `k` people by the similarity of `vector` (any length: normalised here) to their centroids. */
  searchPeople(vector: Float32Array, k: number, opts: { crowding?: number } = {}): PersonHit[] {
    if (k <= 0 || this.peopleCount === 0) return [];
    const query = this.normaliseQuery(vector);
    if (!query) return [];
    const found = this.centroids.search(query, Math.min(k, this.peopleCount));
    const neighbours = opts.crowding ?? 0;
    return found.map(({ slot, similarity, templates }) => ({
      personId: this.personIds[slot] as string,
      name: this.personNames[slot],
      similarity,
      templates,
      ...(neighbours > 0 ? { crowding: this.centroids.crowding(slot, neighbours) } : {}),
    }));
  }

  /**
   * The person's template closest to `vector` (any length: normalised here), or null when the
   * person has no template of this gallery's model. Throws for an unknown person. For 1:1
   * verification: reads only that person's rows.
   */
  scorePerson(personId: string, vector: Float32Array): SearchHit | null {
    const slot = this.slotByPersonId.get(personId);
    if (slot === undefined) throw new Error(`gallery: unknown person ${personId}`);
    const query = this.normaliseQuery(vector);
    if (!query) return null;
    this.matrix.setQuery(query);
    let bestRow = NONE;
    let bestScore = -Infinity;
    for (let row = this.personHead[slot]; row !== NONE; row = this.rowNext[row]) {
      const score = this.matrix.dotRow(row);
      if (score > bestScore) {
        bestScore = score;
        bestRow = row;
      }
    }
    if (bestRow === NONE) return null;
    return { personId, name: this.personNames[slot], templateId: readUuid(this.rowUuid, bestRow * 16), similarity: Math.max(-1, Math.min(1, bestScore)) };
  }

  /** Stops background work; the gallery must not be used afterwards. */
  dispose(): void {
    this.stopAnn();
  }

  // ---- search internals ----

  private normaliseQuery(vector: Float32Array): Float32Array | null {
    let sumSquares = 0;
    for (let j = 0; j < this.dim; j++) sumSquares += vector[j] * vector[j];
    const norm = Math.sqrt(sumSquares);
    if (!(norm > 0) || !Number.isFinite(norm)) return null;
    for (let j = 0; j < this.dim; j++) this.unitQuery[j] = vector[j] / norm;
    return this.unitQuery;
  }

  private reserveTop(k: number): void {
    if (this.topScore.length >= k) return;
    this.topScore = new Float32Array(k);
    this.topSlot = new Int32Array(k);
    this.topRow = new Int32Array(k);
  }

  /** One scan over all rows; returns how many people were kept in `top*`. */
  private searchExact(k: number, minSimilarity: number): number {
    let found = 0;
    // A score must reach `bar` to matter: minSimilarity, then the k-th best once k are held.
    let bar = minSimilarity;
    const rowPerson = this.rowPerson;
    for (let first = 0; first < this.rows; first += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, this.rows - first);
      const scores = this.matrix.scoreBlock(first, count);
      for (let i = 0; i < count; i++) {
        const score = scores[i];
        if (score < bar) continue;
        found = this.offer(rowPerson[first + i], first + i, score, found, k);
        if (found === k) bar = Math.max(minSimilarity, this.topScore[k - 1]);
      }
    }
    return found;
  }

  /**
   * For large k (the on-the-fly list would cost O(k) per entering score): one scan keeping
   * every person's best score, then a sort of the people who reached `minSimilarity`.
   */
  private searchExactManyPeople(k: number, minSimilarity: number): number {
    const slots = this.personIds.length;
    if (this.bestBySlot.length < slots) {
      this.bestBySlot = new Float32Array(this.personHead.length);
      this.bestRowBySlot = new Int32Array(this.personHead.length);
    }
    const best = this.bestBySlot;
    const bestRow = this.bestRowBySlot;
    best.fill(-Infinity, 0, slots);
    const rowPerson = this.rowPerson;
    for (let first = 0; first < this.rows; first += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, this.rows - first);
      const scores = this.matrix.scoreBlock(first, count);
      for (let i = 0; i < count; i++) {
        const score = scores[i];
        const slot = rowPerson[first + i];
        if (score >= minSimilarity && score > best[slot]) {
          best[slot] = score;
          bestRow[slot] = first + i;
        }
      }
    }
    const reached: number[] = [];
    for (let slot = 0; slot < slots; slot++) if (best[slot] !== -Infinity) reached.push(slot);
    reached.sort((a, b) => best[b] - best[a]);
    const found = Math.min(k, reached.length);
    for (let i = 0; i < found; i++) {
      this.topSlot[i] = reached[i];
      this.topScore[i] = best[reached[i]];
      this.topRow[i] = bestRow[reached[i]];
    }
    return found;
  }

  /**
   * Keeps the person in the top list if the score beats what is held: a person appears once,
   * with their best score so far. A person pushed out can come back only with a score above
   * the rising bar, which is then their best, so the final list is the exact top k people.
   */
  private offer(slot: number, row: number, score: number, found: number, k: number): number {
    const topScore = this.topScore;
    const topSlot = this.topSlot;
    const topRow = this.topRow;
    let at = -1;
    for (let i = 0; i < found; i++) {
      if (topSlot[i] === slot) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      if (score <= topScore[at]) return found;
    } else if (found < k) {
      at = found++;
    } else {
      if (score <= topScore[k - 1]) return found;
      at = k - 1;
    }
    // Move the entry at `at` up to its place.
    while (at > 0 && topScore[at - 1] < score) {
      topScore[at] = topScore[at - 1];
      topSlot[at] = topSlot[at - 1];
      topRow[at] = topRow[at - 1];
      at--;
    }
    topScore[at] = score;
    topSlot[at] = slot;
    topRow[at] = row;
    return found;
  }

  private searchApproximate(query: Float32Array, k: number, minSimilarity: number): number {
    const ann = this.ann as AnnIndex;
    const labels = ann.search(query, Math.max(ANN_MIN_CANDIDATES, k * ANN_CANDIDATES_PER_HIT));
    let found = 0;
    for (const label of labels) {
      const row = this.labelRow[label];
      if (row === NONE) continue;
      // Exact cosine from the matrix, so both paths report the same similarity for a template.
      const score = this.matrix.dotRow(row);
      if (score < minSimilarity) continue;
      found = this.offer(this.rowPerson[row], row, score, found, k);
    }
    return found;
  }

  // ---- row bookkeeping ----

  private findRow(personId: string, templateId: string): number {
    const slot = this.slotByPersonId.get(personId);
    if (slot === undefined) return NONE;
    const wanted = this.uuidScratch;
    writeUuid(templateId, wanted, 0);
    const uuids = this.rowUuid;
    for (let row = this.personHead[slot]; row !== NONE; row = this.rowNext[row]) {
      let i = 0;
      while (i < 16 && uuids[row * 16 + i] === wanted[i]) i++;
      if (i === 16) return row;
    }
    return NONE;
  }

  private ensureRows(rows: number): void {
    if (rows <= this.matrix.capacity) return;
    this.matrix.ensureCapacity(rows);
    const capacity = this.matrix.capacity;
    this.rowPerson = resized(this.rowPerson, capacity, 0);
    this.rowNext = resized(this.rowNext, capacity, 0);
    this.rowPrev = resized(this.rowPrev, capacity, 0);
    this.rowLabel = resized(this.rowLabel, capacity, 0);
    this.labelRow = resized(this.labelRow, capacity, NONE);
    const uuids = new Uint8Array(capacity * 16);
    uuids.set(this.rowUuid);
    this.rowUuid = uuids;
  }

  /** Unlinks `row` and fills the hole with the last row. */
  private removeRow(row: number): void {
    const slot = this.rowPerson[row];
    this.centroids.remove(slot, this.matrix.rowView(row));
    const prev = this.rowPrev[row];
    const next = this.rowNext[row];
    if (prev !== NONE) this.rowNext[prev] = next;
    else this.personHead[slot] = next;
    if (next !== NONE) this.rowPrev[next] = prev;

    const label = this.rowLabel[row];
    this.ann?.remove(label);
    this.labelRow[label] = NONE;
    this.freeLabels.push(label);

    const last = this.rows - 1;
    if (row !== last) {
      this.matrix.copyRow(last, row);
      this.rowUuid.copyWithin(row * 16, last * 16, last * 16 + 16);
      const lastSlot = this.rowPerson[last];
      this.rowPerson[row] = lastSlot;
      const lastPrev = this.rowPrev[last];
      const lastNext = this.rowNext[last];
      this.rowPrev[row] = lastPrev;
      this.rowNext[row] = lastNext;
      if (lastPrev !== NONE) this.rowNext[lastPrev] = row;
      else this.personHead[lastSlot] = row;
      if (lastNext !== NONE) this.rowPrev[lastNext] = row;
      const lastLabel = this.rowLabel[last];
      this.rowLabel[row] = lastLabel;
      this.labelRow[lastLabel] = row;
    }
    this.rows--;
  }

  // ---- approximate index lifecycle ----

  private updateAnnSwitch(): void {
    if (!this.ann && this.rows >= this.annMinTemplates && this.rows > 0) this.startAnn();
    else if (this.ann && this.rows < this.annMinTemplates * ANN_OFF_FRACTION) this.stopAnn();
  }

  private startAnn(): void {
    this.ann = new AnnIndex(this.dim, Math.ceil(this.rows * 1.25), this.annOptions);
    this.annPending = Array.from(this.rowLabel.subarray(0, this.rows));
    this.annPendingHead = 0;
    this.scheduleAnnBuild();
  }

  private stopAnn(): void {
    if (this.annTimer) clearImmediate(this.annTimer);
    this.annTimer = null;
    this.ann = null;
    this.annPending = [];
    this.annPendingHead = 0;
    this.releaseAnnWaiters();
  }

  private scheduleAnnBuild(): void {
    if (this.annTimer || this.annPendingHead === this.annPending.length) return;
    this.annTimer = setImmediate(() => {
      this.annTimer = null;
      this.buildAnnSlice();
    });
  }

  private buildAnnSlice(): void {
    const ann = this.ann;
    if (!ann) return;
    const until = performance.now() + ANN_SLICE_MS;
    const pending = this.annPending;
    let head = this.annPendingHead;
    while (head < pending.length && performance.now() < until) {
      // A burst of points between clock reads: reading the clock costs more than an insert at small sizes.
      for (const end = Math.min(pending.length, head + 16); head < end; head++) {
        const row = this.labelRow[pending[head]];
        if (row !== NONE) ann.add(pending[head], this.matrix.rowView(row)); // NONE: removed while waiting
      }
    }
    if (head < pending.length) {
      this.annPendingHead = head;
      this.scheduleAnnBuild();
    } else {
      this.annPending = [];
      this.annPendingHead = 0;
      this.releaseAnnWaiters();
    }
  }

  private releaseAnnWaiters(): void {
    const waiters = this.annWaiters;
    this.annWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** `array` grown (doubling) to hold at least `length` items; new items are `fill`. */
function grow(array: Int32Array, length: number, fill: number): Int32Array {
  let capacity = array.length;
  while (capacity < length) capacity *= 2;
  return resized(array, capacity, fill);
}

function resized(array: Int32Array, length: number, fill: number): Int32Array {
  if (length === array.length) return array;
  const out = new Int32Array(length).fill(fill);
  out.set(array.subarray(0, Math.min(length, array.length)));
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Writes a canonical (lower-case, hyphenated) UUID string as 16 bytes. */
function writeUuid(id: string, out: Uint8Array, at: number): void {
  let byte = 0;
  for (let i = 0; i < id.length && byte <= 16; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== 0x2d) break; // '-'
      continue;
    }
    const high = hexValue(id.charCodeAt(i));
    const low = hexValue(id.charCodeAt(++i));
    if (high < 0 || low < 0) break;
    out[at + byte++] = (high << 4) | low;
  }
  if (byte !== 16 || id.length !== 36) throw new Error(`gallery: not a lower-case UUID: ${id}`);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30; // 0-9
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10; // a-f
  return -1;
}

function readUuid(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[at + i]];
  }
  return s;
}
