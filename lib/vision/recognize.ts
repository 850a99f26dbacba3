/**
 * recognize: every face in an image, each named from the gallery or `unknown`.
 * The analysis may run in this thread (FacePipeline) or in a worker pool; the gallery search
 * runs where the registry's in-memory index is.
 */
import { decideIdentity, openSetThreshold, type IdentityDecision, type OpenSetCalibration, type PersonScore } from './open-set';
import type { AnalyzeOptions } from './pipeline';
import type { AnalyzeResult, Box, FaceQuality, Point, StageTimings } from './types';

/** Anything that can analyse an image: the in-process pipeline or the worker pool. */
export interface Analyzer {
  analyze(bytes: Uint8Array, options?: Partial<AnalyzeOptions>): Promise<AnalyzeResult>;
}

/** The registry's person-level search, as recognition sees it. */
export interface Gallery {
  searchPeople(vector: Float32Array, k: number, opts: { crowding: number }): PersonScore[];
  /** People a search can return (with at least one template of the model). */
  searchablePeople(): number;
}

/** Where recognition operates: the model's open-set calibration and the target share of strangers named. */
export interface OperatingPoint {
  calibration: OpenSetCalibration;
  /** Target false-positive identification rate: share of strangers named as anyone, 0..1. */
  targetFpir: number;
}

/** People fetched per face: the runners-up plus room for re-ranking by template count. */
export const CANDIDATES = 8;

/** Names one face's embedding from the gallery, or says why it stays unknown. */
export function identify(gallery: Gallery, embedding: Float32Array, at: OperatingPoint): IdentityDecision {
  const people = gallery.searchablePeople();
  const candidates = gallery.searchPeople(embedding, Math.max(CANDIDATES, at.calibration.runnersUp + 1), { crowding: at.calibration.crowdingNeighbours });
  return decideIdentity(at.calibration, candidates, { galleryPeople: people, targetFpir: at.targetFpir });
}

export interface RecognizedFace {
  box: Box;
  landmarks: Point[];
  score: number;
  quality: FaceQuality;
  /** The face's unit embedding: never answered in the clear (sealed as evidence for tracks). */
  embedding: Float32Array;
  /** The person named, or null: unknown (`decision.reason` says why). */
  match: PersonScore | null;
  decision: IdentityDecision;
}

export interface RecognizeResult {
  faces: RecognizedFace[];
  width: number;
  height: number;
  /** Gallery size the decisions were made against, and the decision-score bar it sets. */
  galleryPeople: number;
  threshold: number;
  timings: StageTimings & { search?: number };
}

export async function recognize(
  analyzer: Analyzer,
  gallery: Gallery,
  bytes: Uint8Array,
  opts: { at: OperatingPoint; analyze?: Partial<AnalyzeOptions> },
): Promise<RecognizeResult> {
  const analysis = await analyzer.analyze(bytes, opts.analyze);
  const t = performance.now();
  const galleryPeople = gallery.searchablePeople();
  const faces = analysis.faces.map((f): RecognizedFace => {
    const decision = identify(gallery, f.embedding, opts.at);
    return { box: f.box, landmarks: f.landmarks, score: f.score, quality: f.quality, embedding: f.embedding, match: decision.match, decision };
  });
  const search = performance.now() - t;
  return {
    faces,
    width: analysis.width,
    height: analysis.height,
    galleryPeople,
    threshold: openSetThreshold(opts.at.calibration, galleryPeople, opts.at.targetFpir),
    timings: { ...analysis.timings, search, total: analysis.timings.total + search },
  };
}
