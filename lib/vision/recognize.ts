/**
 * recognize: every face in an image, each named from the gallery or `unknown`.
 * The analysis may run in this thread (FacePipeline) or in a worker pool; the gallery search
 * runs where the registry's in-memory index is.
 */
import { decideMatch } from './match';
import type { AnalyzeOptions } from './pipeline';
import type { AnalyzeResult, Box, FaceQuality, Point, StageTimings } from './types';

/** Anything that can analyse an image: the in-process pipeline or the worker pool. */
export interface Analyzer {
  analyze(bytes: Uint8Array, options?: Partial<AnalyzeOptions>): Promise<AnalyzeResult>;
}

export interface GalleryHit {
  personId: string;
  name: string;
  templateId: string;
  similarity: number;
}

/** The registry's search, as recognition sees it. */
export interface Gallery {
  search(vector: Float32Array, k: number, minSimilarity: number): GalleryHit[];
}

export interface FaceMatch {
  personId: string;
  name: string;
  similarity: number;
}

export interface RecognizedFace {
  box: Box;
  landmarks: Point[];
  score: number;
  quality: FaceQuality;
  /** The best person at or above the threshold, or null: unknown. */
  match: FaceMatch | null;
  /** The best candidate even below the threshold (for "looks like" hints and tuning). */
  bestCandidate: FaceMatch | null;
}

export interface RecognizeResult {
  faces: RecognizedFace[];
  width: number;
  height: number;
  threshold: number;
  timings: StageTimings & { search?: number };
}

export async function recognize(
  analyzer: Analyzer,
  gallery: Gallery,
  bytes: Uint8Array,
  opts: { threshold: number; analyze?: Partial<AnalyzeOptions> },
): Promise<RecognizeResult> {
  const analysis = await analyzer.analyze(bytes, opts.analyze);
  const t = performance.now();
  const faces = analysis.faces.map((f): RecognizedFace => {
    const [best] = gallery.search(f.embedding, 1, -1);
    const candidate = best ? { personId: best.personId, name: best.name, similarity: best.similarity } : null;
    return {
      box: f.box,
      landmarks: f.landmarks,
      score: f.score,
      quality: f.quality,
      match: decideMatch(candidate ?? undefined, opts.threshold),
      bestCandidate: candidate,
    };
  });
  const search = performance.now() - t;
  return {
    faces,
    width: analysis.width,
    height: analysis.height,
    threshold: opts.threshold,
    timings: { ...analysis.timings, search, total: analysis.timings.total + search },
  };
}
