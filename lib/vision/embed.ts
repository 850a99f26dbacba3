/**
 * Embed stage: aligned chips -> L2-normalised 128-d embeddings. With `flip`, each chip and its
 * mirror image go through the network in one batch and their descriptors are averaged, which
 * removes some left/right asymmetry of pose and lighting (measured: docs/models.md).
 */
import { flipHorizontal } from './align';
import { l2Normalize } from '../math/vector';
import type { RgbImage } from './types';

export const EMBEDDING_DIM = 128;

/** The embedding network, on whichever runtime: raw descriptors of 150x150 chips, one batch. */
export interface FaceNets {
  describe(chips: RgbImage[]): Promise<Float32Array>;
}

export async function embedChips(nets: FaceNets, chips: RgbImage[], flip: boolean): Promise<Float32Array[]> {
  if (chips.length === 0) return [];
  const batch = flip ? [...chips, ...chips.map(flipHorizontal)] : chips;
  const raw = await nets.describe(batch);
  const n = chips.length;
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(EMBEDDING_DIM);
    for (let d = 0; d < EMBEDDING_DIM; d++) {
      v[d] = raw[i * EMBEDDING_DIM + d] + (flip ? raw[(i + n) * EMBEDDING_DIM + d] : 0);
    }
    out.push(l2Normalize(v));
  }
  return out;
}
