/**
 * Matching, pure and dependency-free (it runs in the browser too): cosine similarity between
 * L2-normalised embeddings, and the statistics that tie a threshold to a false-match rate.
 */

/** Cosine similarity of two L2-normalised vectors (their dot product), -1..1. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`embedding lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface ScoredPair {
  similarity: number;
  same: boolean;
}

/**
 * The smallest threshold whose false-match rate on `impostorScores` is at most `fmr`:
 * similarity >= threshold is a match. With n impostor scores, FMRs below 1/n cannot be
 * resolved and the threshold sits just above the largest impostor score.
 */
export function thresholdAtFmr(impostorScores: Float32Array | number[], fmr: number): number {
  const sorted = Float64Array.from(impostorScores).sort();
  const n = sorted.length;
  if (n === 0) throw new Error('no impostor scores');
  const allowed = Math.floor(fmr * n); // how many impostors may score >= threshold
  // Threshold just above the (allowed+1)-th largest impostor score.
  const idx = n - 1 - allowed;
  return nextUp(sorted[idx]);
}

function nextUp(x: number): number {
  return x + Math.max(1e-7, Math.abs(x) * 1e-7);
}

/** True-accept rate of genuine scores at a threshold. */
export function acceptRate(scores: ArrayLike<number>, threshold: number): number {
  let k = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold) k++;
  return scores.length ? k / scores.length : 0;
}

/** Threshold maximising accuracy on the given pairs (ties: the middle of the best interval). */
export function bestAccuracyThreshold(pairs: ScoredPair[]): { threshold: number; accuracy: number } {
  const sorted = [...pairs].sort((p, q) => p.similarity - q.similarity);
  const n = sorted.length;
  const totalSame = sorted.filter((p) => p.same).length;
  // Threshold below sorted[0]: everything is "same".
  let correct = totalSame;
  let best = correct;
  let bestT = sorted.length ? sorted[0].similarity - 1e-6 : 0;
  for (let i = 0; i < n; i++) {
    // Moving the threshold above sorted[i]: it becomes "different".
    correct += sorted[i].same ? -1 : 1;
    if (i + 1 < n && sorted[i + 1].similarity === sorted[i].similarity) continue;
    if (correct > best) {
      best = correct;
      bestT = i + 1 < n ? (sorted[i].similarity + sorted[i + 1].similarity) / 2 : sorted[i].similarity + 1e-6;
    }
  }
  return { threshold: bestT, accuracy: n ? best / n : 0 };
}

export function accuracyAt(pairs: ScoredPair[], threshold: number): number {
  if (pairs.length === 0) return 0;
  let k = 0;
  for (const p of pairs) if (p.similarity >= threshold === p.same) k++;
  return k / pairs.length;
}

/** Area under the ROC curve (probability a genuine pair outscores an impostor pair). */
export function rocAuc(pairs: ScoredPair[]): number {
  const sorted = [...pairs].sort((p, q) => p.similarity - q.similarity);
  let pos = 0, neg = 0, rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].similarity === sorted[i].similarity) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k].same) { rankSum += avgRank; pos++; } else neg++;
    i = j;
  }
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface FoldedPair extends ScoredPair {
  fold: number;
}

/**
 * LFW protocol: for each fold, choose the accuracy-maximising threshold on the other folds
 * and score the held-out fold; report mean and standard deviation over folds.
 */
export function crossValidatedAccuracy(pairs: FoldedPair[]): { mean: number; std: number; perFold: { fold: number; accuracy: number; threshold: number; pairs: number }[] } {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const perFold = folds.map((fold) => {
    const train = pairs.filter((p) => p.fold !== fold);
    const test = pairs.filter((p) => p.fold === fold);
    const { threshold } = bestAccuracyThreshold(train.length ? train : test);
    return { fold, accuracy: accuracyAt(test, threshold), threshold, pairs: test.length };
  });
  const mean = perFold.reduce((s, f) => s + f.accuracy, 0) / Math.max(1, perFold.length);
  const std = Math.sqrt(perFold.reduce((s, f) => s + (f.accuracy - mean) ** 2, 0) / Math.max(1, perFold.length));
  return { mean, std, perFold };
}

/** Assigns folds 1..k round-robin to pairs that have none (10-fold by default). */
export function assignFolds<T extends { fold?: number }>(pairs: T[], k = 10): (T & { fold: number })[] {
  return pairs.map((p, i) => ({ ...p, fold: p.fold ?? (i % k) + 1 }));
}

/**
 * A match decision for one probe against the best-scoring person of a gallery search:
 * `null` (unknown) unless the best similarity reaches the threshold.
 */
export function decideMatch<T extends { similarity: number }>(best: T | undefined, threshold: number): T | null {
  return best && best.similarity >= threshold ? best : null;
}
