/**
 * Detect stage: every face in the image, largest first. Boxes stay in decoded-image pixels
 * here; the pipeline maps them to original pixels at the end.
 *
 * BlazeFace sees a square 256x256 input, and Human stretches whatever it is given to that
 * square: a tall portrait came out with boxes three times the face's size. So the detector is
 * fed squares only: an image near square is padded to one; a long image (a group photo, a
 * panorama) is cut into overlapping squares along its long side, which also keeps small faces
 * large enough for the detector. Candidates from all squares are merged.
 */
import type { Box, Detection, RgbImage } from './types';

export interface DetectorOptions {
  /** Most faces returned per image. */
  maxFaces: number;
  /** BlazeFace score below which a candidate is dropped before verification. */
  minScore: number;
  /** Overlap (IoU) above which two candidates are the same face. */
  iouThreshold: number;
  /**
   * Every candidate is verified by the face-mesh model's own face confidence and kept when
   * that reaches `minFaceScore` (or one of the two rules below holds). BlazeFace alone cannot
   * separate small real faces (scores 0.2-0.5 in group photos) from cat faces, clocks and logos
   * (up to 0.83); the mesh's confidence separates them cleanly (measured on multi-face and
   * no-face, docs/models.md). The mesh runs on BlazeFace's box exactly as Human would run it,
   * but the box itself stays BlazeFace's: Human's mesh-derived box made the landmark crops worse
   * (98.5% vs 99.2% on lfw-dev folds 1-2).
   */
  minFaceScore: number;
  /**
   * BlazeFace score from which a candidate needs no second opinion: the mesh misjudges some
   * real faces in unusual poses (a face half under hair, bent over a table: BlazeFace 0.91,
   * mesh 0.05), while no non-face in the no-face set scored above 0.83.
   */
  trustDetectorScore: number;
  /**
   * Otherwise a candidate passes when BlazeFace's and the mesh's scores add up to this: the
   * deep-funneled LFW faces that neither model was sure of scored (0.72, 0.74) and (0.69,
   * 0.86), the worst non-faces (0.43, 0.82) for a cat and (0.70, 0.56) for a dog.
   */
  minCombinedScore: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = { maxFaces: 50, minScore: 0.2, iouThreshold: 0.3, minFaceScore: 0.88, trustDetectorScore: 0.88, minCombinedScore: 1.35 };

/** A detector for one square image: Human's (tfjs, the reference) or the ONNX one. */
export interface FaceDetector {
  detect(image: RgbImage): Promise<Detection[]>;
}

/** Aspect ratio up to which one padded square is used instead of tiles. */
const MAX_PAD_ASPECT = 1.5;
/** Overlap of neighbouring tiles, as a share of the tile side. */
const TILE_OVERLAP = 0.25;
/**
 * Two boxes are one face when their IoU, or the share of the smaller one they share, exceeds
 * these, or when the smaller box's centre lies inside the larger: a face cut by the edge of a
 * detection square comes back as a partial box (seen: 53% inside the whole face's box, centre
 * inside it), while two real faces never hold each other's centre.
 */
const MERGE_IOU = 0.3;
const MERGE_CONTAINED = 0.6;

interface Square {
  x: number;
  y: number;
  side: number;
}

/** The squares to run the detector on, in image pixels (a square may extend past the image). */
export function detectionSquares(width: number, height: number): Square[] {
  const long = Math.max(width, height), short = Math.min(width, height);
  if (long <= short * MAX_PAD_ASPECT) return [{ x: 0, y: 0, side: long }];
  const step = short * (1 - TILE_OVERLAP);
  const count = Math.ceil((long - short) / step) + 1;
  const stride = count > 1 ? (long - short) / (count - 1) : 0;
  return Array.from({ length: count }, (_, i) =>
    width >= height ? { x: Math.round(i * stride), y: 0, side: short } : { x: 0, y: Math.round(i * stride), side: short },
  );
}

/** Copies a square region of the image, black where it extends past the image. */
function cropSquare(image: RgbImage, sq: Square): RgbImage {
  const out = new Uint8Array(sq.side * sq.side * 3);
  const x0 = Math.max(0, sq.x), x1 = Math.min(image.width, sq.x + sq.side);
  for (let y = Math.max(0, sq.y); y < Math.min(image.height, sq.y + sq.side); y++) {
    const src = (y * image.width + x0) * 3;
    out.set(image.data.subarray(src, src + (x1 - x0) * 3), ((y - sq.y) * sq.side + (x0 - sq.x)) * 3);
  }
  return { data: out, width: sq.side, height: sq.side };
}

function overlap(a: Box, b: Box): { iou: number; ofSmaller: number; centreInside: boolean } {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  const areaA = a.width * a.height, areaB = b.width * b.height;
  const [small, large] = areaA <= areaB ? [a, b] : [b, a];
  const cx = small.x + small.width / 2, cy = small.y + small.height / 2;
  const centreInside = cx > large.x && cx < large.x + large.width && cy > large.y && cy < large.y + large.height;
  return { iou: inter / (areaA + areaB - inter), ofSmaller: inter / Math.min(areaA, areaB), centreInside };
}

/**
 * Greedy merge, strongest BlazeFace score first: a candidate overlapping a kept one is the same
 * face. (The mesh confidence only filters: it saturates at 1.0 for a face and for a box several
 * times too large around it alike.)
 */
export function mergeDetections(candidates: Detection[]): Detection[] {
  const kept: Detection[] = [];
  for (const c of [...candidates].sort((p, q) => q.detectorScore - p.detectorScore)) {
    if (kept.every((k) => { const o = overlap(k.box, c.box); return o.iou <= MERGE_IOU && o.ofSmaller <= MERGE_CONTAINED && !o.centreInside; })) kept.push(c);
  }
  return kept;
}

/** Clips a box to the image. */
function clip(box: Box, width: number, height: number): Box {
  const x = Math.max(0, box.x), y = Math.max(0, box.y);
  return { x, y, width: Math.min(width, box.x + box.width) - x, height: Math.min(height, box.y + box.height) - y };
}

export async function detectFaces(detector: FaceDetector, image: RgbImage): Promise<Detection[]> {
  const squares = detectionSquares(image.width, image.height);
  const candidates: Detection[] = [];
  for (const sq of squares) {
    const isWhole = squares.length === 1 && sq.side === image.width && sq.side === image.height;
    const input = isWhole ? image : cropSquare(image, sq);
    for (const d of await detector.detect(input)) {
      const box = clip({ ...d.box, x: d.box.x + sq.x, y: d.box.y + sq.y }, image.width, image.height);
      candidates.push({ ...d, box });
    }
  }
  return mergeDetections(candidates)
    .filter((d) => d.box.width > 0 && d.box.height > 0)
    .sort((p, q) => q.box.width * q.box.height - p.box.width * p.box.height);
}
