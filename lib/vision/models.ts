/**
 * The models the pipeline runs, by id and version, and where their weights are on disk.
 * Weights ship inside npm packages; nothing is fetched. Which models are used was decided
 * by measurement on lfw-dev (docs/models.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import openSetCalibration from './calibration/resnet34-dlibchip150-v1.openset.json';
import fusedTrackCalibration from './calibration/resnet34-dlibchip150-v1.tracks.json';
import type { OpenSetCalibration } from './open-set';
import { runtimeRequire } from './runtime-require';
import type { TrackCalibration } from './track-fusion';

export interface ModelSpec {
  /** Stable id, stored with every embedding so templates of different models never mix. */
  id: string;
  version: string;
  /** npm package that ships the weights. */
  packageName: string;
  /** Weight files, relative to the package folder. */
  files: string[];
  /** Network input, pixels (square). */
  inputPx: number;
  description: string;
}

export const DETECTOR: ModelSpec = {
  id: 'human-blazeface-back',
  version: '3.3.6',
  packageName: '@vladmandic/human',
  files: ['models/blazeface.json', 'models/blazeface.bin'],
  inputPx: 256,
  description: 'BlazeFace (back-camera variant) via Human: boxes, score and 6 keypoints for every face',
};

export const MESH: ModelSpec = {
  id: 'human-facemesh',
  version: '3.3.6',
  packageName: '@vladmandic/human',
  files: ['models/facemesh.json', 'models/facemesh.bin'],
  inputPx: 192,
  description: "Human's face-mesh model, used for its face confidence: verifies BlazeFace's candidates",
};

export const LANDMARKS: ModelSpec & { points: number } = {
  id: 'faceapi-landmark68',
  version: '1.7.15',
  packageName: '@vladmandic/face-api',
  files: ['model/face_landmark_68_model-weights_manifest.json', 'model/face_landmark_68_model.bin'],
  inputPx: 112,
  /** Landmarks per face, dlib/iBUG order; the net outputs (x, y) for each, relative to the crop. */
  points: 68,
  description: 'face-api 68-point landmark net, run on the expanded detector box',
};

export const EMBEDDER: ModelSpec & { dim: number } = {
  id: 'faceapi-resnet34',
  version: '1.7.15',
  packageName: '@vladmandic/face-api',
  files: ['model/face_recognition_model-weights_manifest.json', 'model/face_recognition_model.bin'],
  /** The aligned chip's side. */
  inputPx: 150,
  /** Values per raw descriptor. */
  dim: 128,
  description: "face-api's port of dlib's ResNet-34 face descriptor (128-d), on a dlib-style 150x150 chip",
};

/**
 * The embedding a template stores: the network *and* the recipe that feeds it (alignment,
 * flip averaging), since changing either changes the vectors. Bump `id` when either changes.
 */
export interface EmbeddingModel {
  id: string;
  dim: number;
  /**
   * 1:1 verification: cosine similarity at or above which two faces are called the same person,
   * calibrated on lfw-dev at a false-match rate of 1e-3 (docs/models.md, `npm run bench:accuracy`).
   * Identification (1:N) does not use it: see `openSet`.
   */
  threshold: number;
  /** The false-match rate the threshold was calibrated for. */
  targetFmr: number;
  /**
   * 1:N identification: the open-set calibration (impostor statistics and the decision-score
   * bars by gallery size and target FPIR), made by `npm run bench:openset -- --calibrate`.
   */
  openSet: OpenSetCalibration;
  /**
   * Tracks judged on one fused probe (lib/vision/track-fusion.ts): its bars by frames, gallery
   * size and target FPIR, made by `npm run bench:tracks -- --calibrate`.
   */
  fusedTracks: TrackCalibration;
}

export const EMBEDDING_MODEL: EmbeddingModel = {
  id: 'resnet34-dlibchip150-v1',
  dim: EMBEDDER.dim,
  threshold: 0.9303,
  targetFmr: 1e-3,
  openSet: openSetCalibration,
  fusedTracks: fusedTrackCalibration,
};

/**
 * Folder an npm package is installed in, found by the module search path rather than by
 * resolving its entry point: Human's entry is its tfjs-node build, which a wasm install (and
 * the standalone output) does not carry, and its `exports` map hides package.json.
 */
export function packageDir(packageName: string): string {
  for (const dir of runtimeRequire.resolve.paths(packageName) ?? []) {
    const candidate = path.join(/* turbopackIgnore: true */ dir, packageName);
    if (fs.existsSync(/* turbopackIgnore: true */ candidate)) return candidate;
  }
  throw new Error(`package ${packageName} is not installed (looked from ${__filename})`);
}
