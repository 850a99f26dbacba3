/** The one L2 normalisation and unit mean, as the pipeline, the registry, the search index and the fits use them. */
import { l2Normalize, l2NormalizeInto, unitMean } from '@/lib/math/vector';

describe('L2 normalisation', () => {
  it('normalises to unit length in place and refuses a zero vector', () => {
    const v = Float32Array.from([3, 4]);
    expect(l2Normalize(v)).toBe(v);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(() => l2Normalize(new Float32Array(4))).toThrow();
    expect(() => l2Normalize(Float32Array.from([1, Infinity]))).toThrow();
  });

  it('writes into another array of the length it is given, and leaves it alone when it cannot', () => {
    const sums = Float64Array.from([9, 0, 3, 4, 9]);
    const out = new Float32Array(2);
    expect(l2NormalizeInto(sums.subarray(2, 4), out)).toBe(true);
    expect(Array.from(out)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    // Only out.length values count: the 9s around the subarray and past `out` are not read.
    expect(l2NormalizeInto(Float32Array.from([0, 0, 7]), out)).toBe(false);
    expect(Array.from(out)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('refuses a length not above minNorm', () => {
    const out = new Float32Array(2);
    expect(l2NormalizeInto([1e-13, 0], out, 1e-12)).toBe(false);
    expect(l2NormalizeInto([1e-13, 0], out)).toBe(true);
    expect(out[0]).toBe(1);
  });
});

describe('unitMean', () => {
  it('is the normalised sum of the vectors, in any order; one vector is itself', () => {
    const a = Float32Array.from([1, 0, 0]), b = Float32Array.from([0, 1, 0]);
    expect(Array.from(unitMean([a, b])!)).toEqual([Math.SQRT1_2, Math.SQRT1_2, 0].map(Math.fround));
    expect(unitMean([b, a])).toEqual(unitMean([a, b]));
    expect(unitMean([a])).toEqual(a);
  });

  it('answers null for no vectors or vectors that cancel out, and refuses mixed lengths', () => {
    expect(unitMean([])).toBeNull();
    expect(unitMean([Float32Array.from([1, 0]), Float32Array.from([-1, 0])])).toBeNull();
    expect(() => unitMean([Float32Array.from([1, 0]), Float32Array.from([1, 0, 0])])).toThrow(/different lengths/);
  });
});
