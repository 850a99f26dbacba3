/**
 * Shared value types of the vision pipeline. Coordinates are pixels of the decoded image
 * (after EXIF rotation and any downscale) unless a name says otherwise.
 */
import type { ImageFormat } from '../media/image-format';

export interface Point {
  x: number;
  y: number;
}

/** Axis-aligned box in pixels: top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An 8-bit RGB image, rows top to bottom, 3 bytes per pixel, no padding. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A decoded image plus how it relates to the file it came from. */
export interface DecodedImage extends RgbImage {
  /** Size of the original (EXIF-rotated) image in pixels. */
  originalWidth: number;
  originalHeight: number;
  /** decoded px = original px * scale (scale <= 1: large images are shrunk before detection). */
  scale: number;
  format: ImageFormat;
}

/** Output of the detector: where a face is (BlazeFace's box, as Human derives it) and how sure. */
export interface Detection {
  box: Box;
  /** Confidence that this is a face, 0..1: the larger of the face mesh's and BlazeFace's. */
  score: number;
  /** BlazeFace's own score, 0..1. */
  detectorScore: number;
  /** BlazeFace's 6 keypoints where the detector gives them (`BlazeFaceCandidate.keypoints`), in the same pixels as `box`. */
  keypoints?: Point[];
}

/** Head pose from the 68 landmarks, degrees; 0 is looking straight at the camera. */
export interface Pose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

import type { QualityReason } from '../contract/vocabulary';

export type { QualityReason };

export interface FaceQuality {
  /** 0..1, higher is better; used to weight votes and to rank templates. */
  score: number;
  /** True when no reason below applies. */
  ok: boolean;
  reasons: QualityReason[];
  /** Inter-ocular distance in original-image pixels. */
  eyeDistancePx: number;
  /** Variance of the Laplacian on the grey 150x150 chip (higher = sharper). */
  sharpness: number;
  pose: Pose;
}

/** Everything the pipeline knows about one face in one image. */
export interface FaceAnalysis {
  /** Box in original-image pixels. */
  box: Box;
  score: number;
  /** The 68 landmarks (dlib/iBUG order) in original-image pixels. */
  landmarks: Point[];
  quality: FaceQuality;
  /** L2-normalised embedding of the aligned chip. */
  embedding: Float32Array;
  /** Enrollment's template when asked for (`templateJitters`): the unit mean over re-framed chips. */
  template?: Float32Array;
  /** The aligned 150x150 chip, kept only when asked for (privacy by default). */
  chip?: RgbImage;
}

export type StageName = 'decode' | 'detect' | 'landmarks' | 'align' | 'embed' | 'quality';

/** Milliseconds spent in each stage of one pipeline run. */
export type StageTimings = Partial<Record<StageName, number>> & { total: number };

export interface AnalyzeResult {
  /** Largest face first. */
  faces: FaceAnalysis[];
  width: number;
  height: number;
  timings: StageTimings;
}
