/**
 * Quality, pure: is this face good enough to recognise, or to enroll? Each check gives a
 * reason a person can act on ("too small": come closer; "turned away": look at the camera).
 */
import type { Box, FaceQuality, Point, Pose, QualityReason, RgbImage } from './types';

export interface QualityThresholds {
  /** Inter-ocular distance, original-image pixels, below which a face is too small. */
  minEyeDistancePx: number;
  /** Laplacian variance of the grey chip below which a face is blurred. */
  minSharpness: number;
  maxAbsYawDeg: number;
  maxAbsPitchDeg: number;
  /** Detector score below which a face is not trusted. */
  minDetectorScore: number;
}

/** For live recognition: lenient, a face is still matched, the reasons only lower its weight. */
export const RECOGNITION_QUALITY: QualityThresholds = {
  minEyeDistancePx: 16,
  minSharpness: 8,
  maxAbsYawDeg: 45,
  maxAbsPitchDeg: 35,
  minDetectorScore: 0.5,
};

/**
 * For enrollment: refuse only where a template clearly costs recognition. Each cut is where, on
 * lfw-dev, a photo enrolled as its person's one template names a clearly smaller share of that
 * person's other photos (under 3/4 of what accepted photos achieve), chosen on one half of the
 * identities and checked on the other; size on the same photos shrunk, as LFW's faces are all
 * about one size. Method and figures: docs/models.md, "Enrollment gate"; bench/enrollment-gate.ts.
 */
export const ENROLLMENT_QUALITY: QualityThresholds = {
  minEyeDistancePx: 18,
  minSharpness: 15,
  maxAbsYawDeg: 40,
  maxAbsPitchDeg: 25,
  // Not calibrated: 8 of lfw-dev's 6900 largest faces score under 0.99.
  minDetectorScore: 0.7,
};

const mean = (pts: Point[]): Point => ({
  x: pts.reduce((s, p) => s + p.x, 0) / pts.length,
  y: pts.reduce((s, p) => s + p.y, 0) / pts.length,
});

export function eyeCentres(landmarks68: Point[]): { left: Point; right: Point } {
  // iBUG order: 36-41 is the eye on the image's left, 42-47 the one on its right.
  return { left: mean(landmarks68.slice(36, 42)), right: mean(landmarks68.slice(42, 48)) };
}

/**
 * Where the nose tip sits on the eye-line -> nostril-base axis (0 = eye line, 1 = nostril base)
 * for a level head: the median over lfw-dev's faces (0.825).
 */
const NOSE_TIP_LEVEL_T = 0.825;
/**
 * Depth of the nose tip and of the nostril base ahead of the eyes, in units of the nostril
 * base's height below the eye line (adult anthropometry, roughly 22 mm and 5 mm ahead, 50 mm
 * below). Only their difference from the level position matters to the pitch.
 */
const NOSE_TIP_DEPTH = 0.44;
const NOSE_BASE_DEPTH = 0.1;

/**
 * Head pose from 2-D landmarks, a geometric estimate good to a few degrees near frontal:
 * yaw from where the nose tip sits between the jaw sides, pitch from where the nose tip sits
 * between the eye line and the nostril base, roll from the eye line's angle. Degrees;
 * positive yaw = the nose points to the image's right; positive pitch = the head tilts down.
 *
 * Pitch uses only points fixed to the skull: the mouth corners (used before) rise in a broad
 * smile and read as a head tilted 45-60 deg down. A pitch theta moves a point at height y and
 * depth z to y cos + z sin, so the tip's share t of the eye -> nostril-base height is
 * (t0 + dTip tan) / (1 + dBase tan), inverted exactly: no clamp, no saturation. The asin of a
 * linear ratio used before reported +-90 whenever the ratio left its range, which a
 * misplaced nose tip (the 68-point net sometimes puts it on the bridge) or a smile did.
 */
export function estimatePose(landmarks68: Point[]): Pose {
  const { left, right } = eyeCentres(landmarks68);
  const nose = landmarks68[30];
  const jawLeft = landmarks68[2];
  const jawRight = landmarks68[14];
  const dl = Math.hypot(nose.x - jawLeft.x, nose.y - jawLeft.y);
  const dr = Math.hypot(jawRight.x - nose.x, jawRight.y - nose.y);
  const yawRatio = (dl - dr) / Math.max(1e-6, dl + dr);
  const yawDeg = (Math.asin(Math.max(-1, Math.min(1, yawRatio))) * 180) / Math.PI;

  const eyeMid = { x: (left.x + right.x) / 2, y: (left.y + right.y) / 2 };
  // 31-35: the lower edge of the nose, from one nostril wing to the other.
  const noseBase = mean(landmarks68.slice(31, 36));
  const ax = noseBase.x - eyeMid.x, ay = noseBase.y - eyeMid.y;
  const t = ((nose.x - eyeMid.x) * ax + (nose.y - eyeMid.y) * ay) / Math.max(1e-6, ax * ax + ay * ay);
  const pitchDeg = (Math.atan2(t - NOSE_TIP_LEVEL_T, Math.max(1e-6, NOSE_TIP_DEPTH - NOSE_BASE_DEPTH * t)) * 180) / Math.PI;

  const rollDeg = (Math.atan2(right.y - left.y, right.x - left.x) * 180) / Math.PI;
  return { yawDeg, pitchDeg, rollDeg };
}

/**
 * Variance of the 4-neighbour Laplacian of the grey 150x150 chip: low on blurred faces.
 * Measured: sharp LFW faces 30-170, visibly soft ones 15-20, a 2.5 px Gaussian blur of an
 * LFW face 1-10; large faces keep detail after blur, as they should (it does not matter).
 */
export function laplacianVariance(image: RgbImage): number {
  const { width: W, height: H, data } = image;
  const grey = new Float32Array(W * H);
  for (let i = 0, p = 0; i < grey.length; i++, p += 3) grey[i] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  // Only the central part of the chip: its borders hold padding and background.
  const m0 = Math.floor(W * 0.2), m1 = Math.ceil(W * 0.8);
  let sum = 0, sumSq = 0, n = 0;
  for (let y = m0; y < m1; y++) {
    for (let x = m0; x < m1; x++) {
      const i = y * W + x;
      const lap = grey[i - 1] + grey[i + 1] + grey[i - W] + grey[i + W] - 4 * grey[i];
      sum += lap; sumSq += lap * lap; n++;
    }
  }
  const mu = sum / n;
  return sumSq / n - mu * mu;
}

function isCutOff(landmarks68: Point[], width: number, height: number): boolean {
  const margin = 0;
  return landmarks68.some((p) => p.x < -margin || p.y < -margin || p.x > width + margin || p.y > height + margin);
}

export interface QualityInput {
  landmarks68: Point[];
  chip: RgbImage;
  detectorScore: number;
  /** Decoded-image size, pixels (to tell faces cut by the frame edge). */
  imageWidth: number;
  imageHeight: number;
  /** original px / decoded px, to report the eye distance in original pixels. */
  pxToOriginal: number;
  box?: Box;
}

/** What the quality checks look at, measured once per face (see `FaceQuality` for units). */
export interface QualityMeasures {
  eyeDistancePx: number;
  sharpness: number;
  pose: Pose;
  detectorScore: number;
  /** A landmark lies outside the image. */
  cutOff: boolean;
}

/** The checks, pure: reasons to refuse (empty when the face passes) and a 0..1 score. */
export function judgeQuality(m: QualityMeasures, thresholds: QualityThresholds): FaceQuality {
  const reasons: QualityReason[] = [];
  if (m.eyeDistancePx < thresholds.minEyeDistancePx) reasons.push('too-small');
  if (m.sharpness < thresholds.minSharpness) reasons.push('blurred');
  if (Math.abs(m.pose.yawDeg) > thresholds.maxAbsYawDeg || Math.abs(m.pose.pitchDeg) > thresholds.maxAbsPitchDeg) reasons.push('turned-away');
  if (m.detectorScore < thresholds.minDetectorScore) reasons.push('low-confidence');
  if (m.cutOff) reasons.push('cut-off');

  // Smooth 0..1 score: each factor saturates once comfortably past its threshold.
  const clamp01 = (v: number) => Math.max(0, Math.min(1, v));
  const sizeF = clamp01(m.eyeDistancePx / (2 * thresholds.minEyeDistancePx));
  const sharpF = clamp01(m.sharpness / (3 * thresholds.minSharpness));
  const poseF = clamp01(1 - Math.max(Math.abs(m.pose.yawDeg) / (2 * thresholds.maxAbsYawDeg), Math.abs(m.pose.pitchDeg) / (2 * thresholds.maxAbsPitchDeg)));
  const score = clamp01(m.detectorScore) * (0.25 + 0.75 * sizeF) * (0.25 + 0.75 * sharpF) * (0.25 + 0.75 * poseF);
  return { score, ok: reasons.length === 0, reasons, eyeDistancePx: m.eyeDistancePx, sharpness: m.sharpness, pose: m.pose };
}

export function assessQuality(input: QualityInput, thresholds: QualityThresholds): FaceQuality {
  const { left, right } = eyeCentres(input.landmarks68);
  return judgeQuality(
    {
      eyeDistancePx: Math.hypot(right.x - left.x, right.y - left.y) * input.pxToOriginal,
      sharpness: laplacianVariance(input.chip),
      pose: estimatePose(input.landmarks68),
      detectorScore: input.detectorScore,
      cutOff: isCutOff(input.landmarks68, input.imageWidth, input.imageHeight),
    },
    thresholds,
  );
}
