/**
 * L2 normalisation, the one copy: the vision pipeline normalises the embeddings it makes, the
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
