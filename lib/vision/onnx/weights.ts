/**
 * Reads tfjs weight files as they ship in the npm packages: a manifest (face-api's
 * `*-weights_manifest.json`, or the `weightsManifest` of a graph model's JSON) naming each
 * tensor's shape, dtype and quantisation, and the concatenated `.bin` shards it points to.
 * The bytes stay as stored: uint8 (affine: value = q * scale + min) or float16 weights are
 * handed to the ONNX builder quantised, which dequantises them inside the graph.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Quantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
}

export interface StoredWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: Quantization;
  /** The tensor's bytes as stored (quantised when `quantization` is set), little-endian. */
  bytes: Uint8Array;
}

export interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string; quantization?: Quantization }[];
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** Every tensor of a manifest, by name; `dir` is the folder the shard paths are relative to. */
export function readWeights(manifest: ManifestGroup[], dir: string): Map<string, StoredWeight> {
  const out = new Map<string, StoredWeight>();
  for (const group of manifest) {
    // Shards of a group are one byte stream split into files.
    const data = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    let at = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new Error(`weight ${w.name}: unsupported dtype ${w.dtype}`);
      const stored = w.quantization?.dtype ?? w.dtype;
      const size = BYTES_PER_ELEMENT[stored];
      if (!size) throw new Error(`weight ${w.name}: unsupported stored dtype ${stored}`);
      const n = w.shape.reduce((a, b) => a * b, 1) * size;
      // A copy: the builder keeps these bytes, and the shard buffer may be pooled.
      const bytes = new Uint8Array(data.subarray(at, at + n));
      at += n;
      out.set(w.name, { name: w.name, shape: w.shape, dtype: w.dtype, quantization: w.quantization, bytes });
    }
    if (at !== data.length) throw new Error(`weights manifest in ${dir}: ${data.length - at} bytes left over`);
  }
  return out;
}

export function storedElementBytes(w: StoredWeight): number {
  return BYTES_PER_ELEMENT[w.quantization?.dtype ?? w.dtype];
}

/** Permutes the axes of an element array (any element size): out axis i = in axis perm[i]. */
export function transposeBytes(bytes: Uint8Array, shape: number[], perm: number[], elementBytes: number): { bytes: Uint8Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const strideOfOut = perm.map((p) => inStrides[p]);
  const out = new Uint8Array(bytes.length);
  const idx = new Array<number>(rank).fill(0);
  const total = s;
  for (let o = 0; o < total; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i] * strideOfOut[i];
    for (let k = 0, from = src * elementBytes, to = o * elementBytes; k < elementBytes; k++) out[to + k] = bytes[from + k];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return { bytes: out, shape: outShape };
}
