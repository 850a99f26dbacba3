/**
 * Deterministic test vectors: a seeded generator (mulberry32) so a failing case can be rerun
 * exactly, unit vectors with Gaussian coordinates, and "probes": noisy copies of a vector, as
 * a second photo of an enrolled face is to its template.
 */
import type { NewTemplate } from '@/lib/registry/registry';

export type Rng = () => number;

// Held locally: under jest, code runs in a vm context where every global lookup (`Math`, ...)
// goes through an interceptor and costs about a microsecond; these helpers make millions.
const { imul, sqrt, log, cos, PI } = Math;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: a seed that names can be turned into. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return sqrt(-2 * log(u)) * cos(2 * PI * rng());
}

export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = sqrt(sum);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}

export function randomUnit(dim: number, rng: Rng): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = gaussian(rng);
  return normalise(v);
}

/** `v` plus isotropic noise of relative size `noise`, renormalised (cosine to v about 1/sqrt(1+noise^2)). */
export function probe(v: Float32Array, noise: number, rng: Rng): Float32Array {
  const n = randomUnit(v.length, rng);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] + noise * n[i];
  return normalise(out);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A minimal JPEG-looking byte string (SOI marker, then filler, then EOI). */
export function fakeJpeg(seed: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  for (let i = 4; i < 62; i++) bytes[i] = (seed * 31 + i * 7) & 0xff;
  bytes.set([0xff, 0xd9], 62);
  return bytes;
}

export function template(embedding: Float32Array, modelId: string, extra: Partial<NewTemplate> = {}): NewTemplate {
  return { embedding, modelId, quality: 0.8, source: 'camera', ...extra };
}
