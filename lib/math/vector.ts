/**
 * L2 normalisation and the unit mean, one copy each: the vision pipeline normalises the embeddings it makes, the
 * registry the ones it stores and the queries it searches with, and they must agree to the
 * last bit (a stored template is compared with a probe by dot product). A leaf module: it
 * imports nothing, so lib/registry and lib/vision (and the browser) may all use it.
 */

/** Anything indexable that can be written: Float32Array, Float64Array, number[]. */
type Writable = { [index: number]: number; readonly length: number };

/**
 * Writes the first `out.length` values of `v` scaled to unit length into `out` (which may be
 * `v` itself) and returns true; returns false and leaves `out` as it was when their length is
 * not above `minNorm` or not finite. The sum of squares is in float64, in index order.
 */
export function l2NormalizeInto(v: ArrayLike<number>, out: Writable, minNorm = 0): boolean {
  const n = out.length;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) sumSquares += v[i] * v[i];
  const norm = Math.sqrt(sumSquares);
  if (!(norm > minNorm) || !Number.isFinite(norm)) return false;
  for (let i = 0; i < n; i++) out[i] = v[i] / norm;
  return true;
}

/** Scales `v` to unit length in place and returns it; throws for a zero or non-finite vector. */
export function l2Normalize(v: Float32Array): Float32Array {
  if (!l2NormalizeInto(v, v)) throw new Error('cannot normalise a zero or non-finite vector');
  return v;
}

/**
 * The unit-length mean of vectors of one length (a person's centroid, a track's fused probe, a
 * template over several framings), summed in float64; null for no vectors or vectors that cancel out.
 */
export function unitMean(vectors: readonly ArrayLike<number>[]): Float32Array | null {
  if (vectors.length === 0) return null;
  const sum = new Float64Array(vectors[0].length);
  for (const v of vectors) {
    if (v.length !== sum.length) throw new Error('unitMean: vectors of different lengths');
    for (let j = 0; j < sum.length; j++) sum[j] += v[j];
  }
  const out = new Float32Array(sum.length);
  return l2NormalizeInto(sum, out, 1e-6) ? out : null;
}
