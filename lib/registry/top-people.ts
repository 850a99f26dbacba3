/**
 * Exact top-k over templates, by person: the best `k` people by their best template's score,
 * each person at most once. Scores come from the vector matrix a block at a time
 * (`VectorMatrix.scoreBlock`); nothing is allocated per template or per search once the
 * scratch arrays have grown to `k`.
 */
import { BLOCK_ROWS, type VectorMatrix } from './vector-matrix';

/** Above this k, a scan keeps every person's best score instead of a running top-k list. */
export const SMALL_K = 32;

export class TopPeople {
  // The best `found` people so far, best first: score, slot and the row of their best template.
  score: Float32Array = new Float32Array(16);
  slot: Int32Array = new Int32Array(16);
  row: Int32Array = new Int32Array(16);
  /** Per-person best score and row, for scans with a large k. */
  private bestBySlot: Float32Array = new Float32Array(0);
  private bestRowBySlot: Int32Array = new Int32Array(0);

  /** Makes room for `k` entries (contents are then undefined). */
  reserve(k: number): void {
    if (this.score.length >= k) return;
    this.score = new Float32Array(k);
    this.slot = new Int32Array(k);
    this.row = new Int32Array(k);
  }

  /**
   * Keeps the person in the list if the score beats what is held: a person appears once,
   * with their best score so far. A person pushed out can come back only with a score above
   * the rising bar, which is then their best, so the final list is the exact top k people.
   * Returns the new number of entries.
   */
  offer(slot: number, row: number, score: number, found: number, k: number): number {
    const topScore = this.score;
    const topSlot = this.slot;
    const topRow = this.row;
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

  /**
   * One scan over rows 0 .. rows - 1 against the matrix's query (`k` reserved); returns how
   * many people were kept. `personOfRow` gives each row's person slot.
   */
  scan(matrix: VectorMatrix, rows: number, personOfRow: Int32Array, k: number, minSimilarity: number): number {
    let found = 0;
    // A score must reach `bar` to matter: minSimilarity, then the k-th best once k are held.
    let bar = minSimilarity;
    for (let first = 0; first < rows; first += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, rows - first);
      const scores = matrix.scoreBlock(first, count);
      for (let i = 0; i < count; i++) {
        const score = scores[i];
        if (score < bar) continue;
        found = this.offer(personOfRow[first + i], first + i, score, found, k);
        if (found === k) bar = Math.max(minSimilarity, this.score[k - 1]);
      }
    }
    return found;
  }

  /**
   * For large k (the running list would cost O(k) per entering score): one scan keeping every
   * person's best score (slots below `slots`), then a sort of the people who reached
   * `minSimilarity`.
   */
  scanAllPeople(matrix: VectorMatrix, rows: number, personOfRow: Int32Array, slots: number, k: number, minSimilarity: number): number {
    if (this.bestBySlot.length < slots) {
      let capacity = Math.max(16, this.bestBySlot.length);
      while (capacity < slots) capacity *= 2;
      this.bestBySlot = new Float32Array(capacity);
      this.bestRowBySlot = new Int32Array(capacity);
    }
    const best = this.bestBySlot;
    const bestRow = this.bestRowBySlot;
    best.fill(-Infinity, 0, slots);
    for (let first = 0; first < rows; first += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, rows - first);
      const scores = matrix.scoreBlock(first, count);
      for (let i = 0; i < count; i++) {
        const score = scores[i];
        const slot = personOfRow[first + i];
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
      this.slot[i] = reached[i];
      this.score[i] = best[reached[i]];
      this.row[i] = bestRow[reached[i]];
    }
    return found;
  }
}
