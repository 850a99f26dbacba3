/**
 * BlazeFace's post-processing, pure: anchors, box and keypoint decoding, non-maximum
 * suppression, and the box Human derives from it, so the ONNX detector reports the same faces
 * Human's `detect()` did (src/face/blazeface.ts and facemeshutil.ts of @vladmandic/human 3.3.6).
 *
 * NMS is tfjs' hard NMS (`tf.image.nonMaxSuppressionAsync`), not a weighted one: a weighted
 * average moves every box, which moves the landmark crops and so every stored embedding.
 * Coordinates are pixels of the detector's input image unless a name says otherwise.
 */
import { DETECTOR } from './models';
import type { Detection } from './types';

/** Values per anchor: box centre offset (x, y), size (w, h), 6 keypoints (x, y offsets from the anchor). */
const REGRESSORS = 16;

/** Anchor centres (x, y) in input pixels: the 16x16 grid (2 per cell), then the 8x8 grid (6 per cell). */
export function blazeFaceAnchors(inputPx = DETECTOR.inputPx): Float32Array {
  const specs = [{ stride: inputPx / 16, perCell: 2 }, { stride: inputPx / 8, perCell: 6 }];
  const out: number[] = [];
  for (const { stride, perCell } of specs) {
    const cells = Math.floor((inputPx + stride - 1) / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

export interface BlazeFaceCandidate {
  /** Index of the anchor. */
  anchor: number;
  score: number;
  /** Raw box corners in input pixels: x1, y1, x2, y2. */
  box: [number, number, number, number];
  /** The 6 keypoints in input pixels, x and y alternating: right eye, left eye, nose, mouth, right ear, left ear (the subject's). */
  keypoints: number[];
}

export interface BlazeFaceOutputs {
  /** Face logit per anchor, all anchors in order (896). */
  logits: Float32Array;
  /** 16 regressors per anchor, same order. */
  regressors: Float32Array;
}

function iou(a: BlazeFaceCandidate['box'], b: BlazeFaceCandidate['box']): number {
  const areaA = (a[2] - a[0]) * (a[3] - a[1]);
  const areaB = (b[2] - b[0]) * (b[3] - b[1]);
  if (areaA <= 0 || areaB <= 0) return 0;
  const w = Math.max(Math.min(a[2], b[2]) - Math.max(a[0], b[0]), 0);
  const h = Math.max(Math.min(a[3], b[3]) - Math.max(a[1], b[1]), 0);
  const inter = w * h;
  return inter / (areaA + areaB - inter);
}

/**
 * Scores, boxes and hard NMS as tfjs does it: candidates above `minScore`, strongest first
 * (ties: lower anchor first), dropped when their IoU with a kept one reaches `iouThreshold`.
 */
export function decodeBlazeFace(out: BlazeFaceOutputs, anchors: Float32Array, options: { maxFaces: number; minScore: number; iouThreshold: number }): BlazeFaceCandidate[] {
  const n = anchors.length / 2;
  const candidates: BlazeFaceCandidate[] = [];
  for (let i = 0; i < n; i++) {
    const score = Math.fround(1 / (1 + Math.exp(-out.logits[i])));
    if (!(score > options.minScore)) continue;
    const r = i * REGRESSORS;
    const cx = out.regressors[r] + anchors[2 * i], cy = out.regressors[r + 1] + anchors[2 * i + 1];
    const hw = out.regressors[r + 2] / 2, hh = out.regressors[r + 3] / 2;
    const keypoints = Array.from({ length: 12 }, (_, k) => out.regressors[r + 4 + k] + anchors[2 * i + (k % 2)]);
    candidates.push({ anchor: i, score, box: [cx - hw, cy - hh, cx + hw, cy + hh], keypoints });
  }
  candidates.sort((p, q) => q.score - p.score || p.anchor - q.anchor);
  const kept: BlazeFaceCandidate[] = [];
  for (const c of candidates) {
    if (kept.length >= options.maxFaces) break;
    if (kept.every((k) => iou(k.box, c.box) < options.iouThreshold)) kept.push(c);
  }
  return kept;
}

/**
 * Human's face box for a candidate, in pixels of an image of `width` x `height` that was
 * stretched to the detector's square: scaled, enlarged 1.4x, squared and rounded, then clipped
 * to the image and truncated (Human's scaleBoxCoordinates, enlargeBox, squarifyBox, clampBox).
 * The score is rounded to 2 decimals as Human's `boxScore` is.
 */
export function humanFaceBox(c: BlazeFaceCandidate, width: number, height: number, inputPx = DETECTOR.inputPx): Detection | undefined {
  const fx = width / inputPx, fy = height / inputPx;
  const [x1, y1, x2, y2] = [c.box[0] * fx, c.box[1] * fy, c.box[2] * fx, c.box[3] * fy];
  const cx = x1 + (x2 - x1) / 2, cy = y1 + (y2 - y1) / 2;
  const sizeW = Math.abs(x2 - x1), sizeH = Math.abs(y2 - y1);
  const ew = 1.4 * sizeW / 2, eh = 1.4 * sizeH / 2;
  const [ex1, ey1, ex2, ey2] = [cx - ew, cy - eh, cx + ew, cy + eh];
  const ecx = ex1 + (ex2 - ex1) / 2, ecy = ey1 + (ey2 - ey1) / 2;
  const half = Math.max(Math.abs(ex2 - ex1), Math.abs(ey2 - ey1)) / 2;
  const sx = Math.round(ecx - half), sy = Math.round(ecy - half), tx = Math.round(ecx + half), ty = Math.round(ecy + half);
  // Human keeps a box whose (rounded, enlarged) size is above its minSize of 0.
  if (!(Math.round(Math.abs(ex2 - ex1)) > 0 && Math.round(Math.abs(ey2 - ey1)) > 0)) return undefined;
  const bx = Math.trunc(Math.max(0, sx)), by = Math.trunc(Math.max(0, sy));
  const box = { x: bx, y: by, width: Math.trunc(Math.min(width, tx) - Math.max(0, sx)), height: Math.trunc(Math.min(height, ty) - Math.max(0, sy)) };
  const score = Math.round(100 * c.score) / 100;
  const keypoints = Array.from({ length: c.keypoints.length / 2 }, (_, k) => ({ x: c.keypoints[2 * k] * fx, y: c.keypoints[2 * k + 1] * fy }));
  return { box, score, detectorScore: score, keypoints };
}
