/**
 * Embed stage: aligned chips -> L2-normalised 128-d embeddings. With `flip`, each chip and its
 * mirror image go through the network in one batch and their descriptors are averaged, which
 * removes some left/right asymmetry of pose and lighting (measured: docs/models.md).
 */
import { flipHorizontal } from './align';
import { l2Normalize, unitMean } from '../math/vector';
import { EMBEDDER } from './models';
import type { RgbImage } from './types';

/** The embedding network, on whichever runtime: raw descriptors of 150x150 chips, one batch. */
export interface FaceNets {
  describe(chips: RgbImage[]): Promise<Float32Array>;
}

export async function embedChips(nets: FaceNets, chips: RgbImage[], flip: boolean): Promise<Float32Array[]> {
  if (chips.length === 0) return [];
  const batch = flip ? [...chips, ...chips.map(flipHorizontal)] : chips;
  const raw = await nets.describe(batch);
  const n = chips.length;
  const dim = EMBEDDER.dim;
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(dim);
    for (let d = 0; d < dim; d++) {
      v[d] = raw[i * dim + d] + (flip ? raw[(i + n) * dim + d] : 0);
    }
    out.push(l2Normalize(v));
  }
  return out;
}

/**
 * One template per face from several framings of it (each flip-averaged): the unit mean of
 * their embeddings. `chipSets[i]` are face i's chips; all go through the network in one batch.
 */
export async function embedTemplates(nets: FaceNets, chipSets: RgbImage[][]): Promise<Float32Array[]> {
  const flat = await embedChips(nets, chipSets.flat(), true);
  let at = 0;
  return chipSets.map((set) => unitMean(flat.slice(at, (at += set.length)))!);
}
