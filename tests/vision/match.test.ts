import {
  accuracyAt, bestAccuracyThreshold, cosineSimilarity, crossValidatedAccuracy, decideMatch, rocAuc, thresholdAtFmr,
} from '@/lib/vision/match';

describe('match', () => {
  it('computes cosine similarity of unit vectors and refuses mismatched lengths', () => {
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([0.6, 0.8], [0.6, 0.8])).toBeCloseTo(1);
    expect(() => cosineSimilarity([1, 0], [1, 0, 0])).toThrow(/lengths differ/);
  });

  it('places the FMR threshold so that at most fmr * n impostors pass', () => {
    const impostors = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0 .. 0.999
    const t = thresholdAtFmr(impostors, 0.01);
    const passing = impostors.filter((s) => s >= t).length;
    expect(passing).toBeLessThanOrEqual(10);
    expect(passing).toBeGreaterThanOrEqual(9);
    // Below 1/n the threshold sits just above the best impostor.
    expect(impostors.filter((s) => s >= thresholdAtFmr(impostors, 1e-6))).toHaveLength(0);
  });

  it('finds the accuracy-maximising threshold between the classes', () => {
    const pairs = [0.1, 0.2, 0.3].map((s) => ({ similarity: s, same: false })).concat([0.7, 0.8].map((s) => ({ similarity: s, same: true })));
    const { threshold, accuracy } = bestAccuracyThreshold(pairs);
    expect(accuracy).toBe(1);
    expect(threshold).toBeGreaterThan(0.3);
    expect(threshold).toBeLessThanOrEqual(0.7);
    expect(accuracyAt(pairs, 0.75)).toBeCloseTo(0.8);
  });

  it('computes ROC AUC, with ties counted half', () => {
    expect(rocAuc([{ similarity: 0.9, same: true }, { similarity: 0.1, same: false }])).toBe(1);
    expect(rocAuc([{ similarity: 0.1, same: true }, { similarity: 0.9, same: false }])).toBe(0);
    expect(rocAuc([{ similarity: 0.5, same: true }, { similarity: 0.5, same: false }])).toBe(0.5);
  });

  it('cross-validates: each fold is scored with a threshold chosen on the others', () => {
    // Fold 2's classes sit higher: its own best threshold differs from the others'.
    const pairs = [
      { similarity: 0.2, same: false, fold: 1 }, { similarity: 0.6, same: true, fold: 1 },
      { similarity: 0.3, same: false, fold: 3 }, { similarity: 0.7, same: true, fold: 3 },
      { similarity: 0.65, same: false, fold: 2 }, { similarity: 0.9, same: true, fold: 2 },
    ];
    const cv = crossValidatedAccuracy(pairs);
    expect(cv.perFold.map((f) => f.fold)).toEqual([1, 2, 3]);
    // Fold 1's genuine 0.6 falls below the threshold learnt on folds 2+3 (0.675); fold 2's
    // impostor 0.65 passes the one learnt on folds 1+3; fold 3 is separated by folds 1+2's.
    expect(cv.perFold.map((f) => f.accuracy)).toEqual([0.5, 0.5, 1]);
    expect(cv.mean).toBeCloseTo(2 / 3);
  });

  it('names a face only at or above the threshold', () => {
    expect(decideMatch({ similarity: 0.91 }, 0.9)).toEqual({ similarity: 0.91 });
    expect(decideMatch({ similarity: 0.89 }, 0.9)).toBeNull();
    expect(decideMatch(undefined, 0.9)).toBeNull();
  });
});
