/**
 * The in-memory search index: every person (id, name) and every template of the registry's
 * model (id, unit vector), mirrored from the database and updated on every write. It composes
 * four parts, each in its own file:
 *
 * - `template-rows.ts`: people in slots, templates in dense rows of the vector matrix, each
 *   person's rows as a linked list (swap-remove keeps rows dense);
 * - `top-people.ts`: exact search, one pass of blocked dot products keeping the best `k` people
 *   on the fly, nothing allocated or dereferenced per template;
 * - `background-ann.ts`: above `annMinTemplates` templates an HNSW index built in the
 *   background; exact search answers until it has caught up with every write, then approximate
 *   candidates are re-scored exactly;
 * - `centroids.ts`: each person's centroid, for person-level search.
 */
import { l2NormalizeInto } from '../math/vector';
import { ANN_DEFAULTS, type AnnOptions } from './ann-index';
import { BackgroundAnn } from './background-ann';
import { PersonCentroids } from './centroids';
import type { IndexState, PersonHit, SearchHit } from './registry';
import { NONE, TemplateRows } from './template-rows';
import { SMALL_K, TopPeople } from './top-people';

export interface SearchIndexOptions {
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
  /** Templates of this index's model, unit vectors. */
  templates: { id: string; embedding: Float32Array }[];
  /** Templates of other models. */
  staleCount: number;
}

/** Candidates fetched from HNSW per person wanted: people have several templates each. */
const ANN_CANDIDATES_PER_HIT = 8;
const ANN_MIN_CANDIDATES = 32;

export class SearchIndex {
  readonly dim: number;
  private readonly rows: TemplateRows;
  /** Each person's centroid, by slot (person-level search). */
  private readonly centroids: PersonCentroids;
  private readonly ann: BackgroundAnn;
  private readonly top = new TopPeople();
  private readonly unitQuery: Float32Array;

  constructor(opts: SearchIndexOptions) {
    this.dim = opts.dim;
    const rows = new TemplateRows(opts.dim, { initialRows: opts.initialRows, useWasm: opts.useWasm });
    this.rows = rows;
    this.centroids = new PersonCentroids(opts.dim, { useWasm: opts.useWasm });
    this.ann = new BackgroundAnn(
      opts.dim,
      opts.ann ?? ANN_DEFAULTS,
      {
        count: () => rows.count,
        labels: () => rows.labels(),
        vectorOf: (label) => {
          const row = rows.rowOfLabel(label);
          return row === NONE ? null : rows.matrix.rowView(row);
        },
      },
      opts.annMinTemplates ?? Infinity,
    );
    this.unitQuery = new Float32Array(opts.dim);
  }

  get usesWasm(): boolean {
    return this.rows.matrix.usesWasm;
  }

  size(): { people: number; templates: number; staleTemplates: number } {
    return { people: this.rows.people, templates: this.rows.count, staleTemplates: this.rows.staleTemplates };
  }

  /** People with at least one template of this index's model: those a search can return. */
  searchablePeople(): number {
    return this.centroids.populated;
  }

  indexState(): IndexState {
    if (!this.ann.on) return { kind: 'exact', building: false };
    return this.ann.caughtUp ? { kind: 'approximate', building: false } : { kind: 'exact', building: true };
  }

  /** Resolves once the approximate index (if on) holds every template. */
  whenReady(): Promise<void> {
    return this.ann.whenReady();
  }

  /** Approximate bytes held (benchmark report): vectors, per-row arrays; not the HNSW graph. */
  byteLength(): number {
    return this.rows.byteLength();
  }

  hasPerson(personId: string): boolean {
    return this.rows.slotOf(personId) !== undefined;
  }

  /** Adds the person, or renames them. */
  upsertPerson(personId: string, name: string): void {
    this.rows.upsertPerson(personId, name);
  }

  /** Removes the person and all their templates; false if unknown. */
  removePerson(personId: string): boolean {
    const slot = this.rows.slotOf(personId);
    if (slot === undefined) return false;
    while (this.rows.firstRow(slot) !== NONE) this.removeRow(this.rows.firstRow(slot));
    this.centroids.clear(slot);
    this.rows.releasePerson(slot);
    this.ann.follow();
    return true;
  }

  /** Sets how many of the person's templates are of other models. */
  setStaleCount(personId: string, count: number): void {
    const slot = this.rows.slotOf(personId);
    if (slot !== undefined) this.rows.setStaleCount(slot, count);
  }

  /** Adds `delta` to the person's count of templates of other models. */
  addStaleCount(personId: string, delta: number): void {
    const slot = this.rows.slotOf(personId);
    if (slot !== undefined) this.rows.addStaleCount(slot, delta);
  }

  /** Changes the size at which the approximate index switches on (bulk loads set it afterwards). */
  setAnnMinTemplates(annMinTemplates: number): void {
    this.ann.setMinTemplates(annMinTemplates);
  }

  /** Adds a template of the index's model to a known person; `embedding` must be unit length. */
  addTemplate(personId: string, templateId: string, embedding: Float32Array): void {
    const slot = this.rows.slotOf(personId);
    if (slot === undefined) throw new Error(`search index: unknown person ${personId}`);
    if (embedding.length !== this.dim) throw new Error(`search index: embedding of length ${embedding.length}, expected ${this.dim}`);
    const row = this.rows.addRow(slot, templateId, embedding);
    this.centroids.add(slot, this.rows.matrix.rowView(row));
    this.ann.add(this.rows.labelOf(row), embedding);
    this.ann.follow();
  }

  /** Removes one template; false if the person has no such template here. */
  removeTemplate(personId: string, templateId: string): boolean {
    const row = this.findRow(personId, templateId);
    if (row === NONE) return false;
    this.removeRow(row);
    this.ann.follow();
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
    const slot = this.rows.slotOf(personId) as number;
    const present = new Set<string>();
    for (let row = this.rows.firstRow(slot); row !== NONE; row = this.rows.nextRow(row)) present.add(this.rows.templateIdAt(row));
    for (const id of present) if (!wanted.has(id)) this.removeRow(this.findRow(personId, id));
    for (const t of snapshot.templates) if (!present.has(t.id)) this.addTemplate(personId, t.id, t.embedding);
    this.setStaleCount(personId, snapshot.staleCount);
    this.ann.follow();
  }

  /**
   * The best `k` people by their best template's cosine similarity to `vector` (any length:
   * normalised here), each at least `minSimilarity`, best first.
   */
  search(vector: Float32Array, k: number, minSimilarity: number): SearchHit[] {
    const rows = this.rows;
    if (k <= 0 || rows.count === 0) return [];
    k = Math.min(k, rows.people);
    const query = this.normaliseQuery(vector);
    if (!query) return [];
    rows.matrix.setQuery(query);
    const top = this.top;
    top.reserve(k);
    let found: number;
    if (k > SMALL_K) found = top.scanAllPeople(rows.matrix, rows.count, rows.personOfRow, rows.slotsIssued, k, minSimilarity);
    else if (this.ann.caughtUp) found = this.searchApproximate(query, k, minSimilarity);
    else found = top.scan(rows.matrix, rows.count, rows.personOfRow, k, minSimilarity);
    const hits: SearchHit[] = [];
    for (let i = 0; i < found; i++) {
      const slot = top.slot[i];
      hits.push({
        personId: rows.personIdAt(slot),
        name: rows.nameAt(slot),
        templateId: rows.templateIdAt(top.row[i]),
        similarity: clampCosine(top.score[i]),
      });
    }
    return hits;
  }

  /** The best `k` people by the similarity of `vector` (any length: normalised here) to their centroids. */
  searchPeople(vector: Float32Array, k: number, opts: { crowding?: number } = {}): PersonHit[] {
    if (k <= 0 || this.rows.people === 0) return [];
    const query = this.normaliseQuery(vector);
    if (!query) return [];
    const found = this.centroids.search(query, Math.min(k, this.rows.people));
    const neighbours = opts.crowding ?? 0;
    return found.map(({ slot, similarity, templates }) => ({
      personId: this.rows.personIdAt(slot),
      name: this.rows.nameAt(slot),
      similarity,
      templates,
      ...(neighbours > 0 ? { crowding: this.centroids.crowding(slot, neighbours) } : {}),
    }));
  }

  /**
   * The person's template closest to `vector` (any length: normalised here), or null when the
   * person has no template of this index's model. Throws for an unknown person. For 1:1
   * verification: reads only that person's rows.
   */
  scorePerson(personId: string, vector: Float32Array): SearchHit | null {
    const slot = this.rows.slotOf(personId);
    if (slot === undefined) throw new Error(`search index: unknown person ${personId}`);
    const query = this.normaliseQuery(vector);
    if (!query) return null;
    const matrix = this.rows.matrix;
    matrix.setQuery(query);
    let bestRow = NONE;
    let bestScore = -Infinity;
    for (let row = this.rows.firstRow(slot); row !== NONE; row = this.rows.nextRow(row)) {
      const score = matrix.dotRow(row);
      if (score > bestScore) {
        bestScore = score;
        bestRow = row;
      }
    }
    if (bestRow === NONE) return null;
    return { personId, name: this.rows.nameAt(slot), templateId: this.rows.templateIdAt(bestRow), similarity: clampCosine(bestScore) };
  }

  /** Stops background work; the index must not be used afterwards. */
  dispose(): void {
    this.ann.stop();
  }

  /** The query at unit length, in scratch space; null for a zero or non-finite vector. */
  private normaliseQuery(vector: Float32Array): Float32Array | null {
    return l2NormalizeInto(vector, this.unitQuery) ? this.unitQuery : null;
  }

  /** HNSW candidates re-scored exactly from the matrix, so both paths report the same similarity for a template. */
  private searchApproximate(query: Float32Array, k: number, minSimilarity: number): number {
    const rows = this.rows;
    const labels = this.ann.search(query, Math.max(ANN_MIN_CANDIDATES, k * ANN_CANDIDATES_PER_HIT));
    let found = 0;
    for (const label of labels) {
      const row = rows.rowOfLabel(label);
      if (row === NONE) continue;
      const score = rows.matrix.dotRow(row);
      if (score < minSimilarity) continue;
      found = this.top.offer(rows.personOfRow[row], row, score, found, k);
    }
    return found;
  }

  private findRow(personId: string, templateId: string): number {
    const slot = this.rows.slotOf(personId);
    return slot === undefined ? NONE : this.rows.findRow(slot, templateId);
  }

  /** Takes `row` out of the centroid and the approximate index, then out of the rows. */
  private removeRow(row: number): void {
    this.centroids.remove(this.rows.personOfRow[row], this.rows.matrix.rowView(row));
    this.ann.remove(this.rows.labelOf(row));
    this.rows.removeRow(row);
  }
}

/** float32 sums of unit vectors can overshoot by an ulp or two. */
function clampCosine(score: number): number {
  return Math.max(-1, Math.min(1, score));
}
