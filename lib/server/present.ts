/**
 * Shapes pipeline results for JSON answers: pixel values rounded to 0.1, scores to 4
 * decimals, embeddings never sent.
 */
import type { RecognizedFace } from '@/lib/vision/recognize';
import type { FaceAnalysis, FaceQuality } from '@/lib/vision/types';

const r1 = (v: number) => Math.round(v * 10) / 10;
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

export function presentQuality(q: FaceQuality) {
  return {
    score: r4(q.score),
    ok: q.ok,
    reasons: q.reasons,
    eyeDistancePx: r1(q.eyeDistancePx),
    sharpness: r1(q.sharpness),
    pose: { yawDeg: r1(q.pose.yawDeg), pitchDeg: r1(q.pose.pitchDeg), rollDeg: r1(q.pose.rollDeg) },
  };
}

export function presentDetected(f: Pick<FaceAnalysis, 'box' | 'landmarks' | 'score' | 'quality'>) {
  return {
    box: { x: r1(f.box.x), y: r1(f.box.y), width: r1(f.box.width), height: r1(f.box.height) },
    landmarks: f.landmarks.map((p) => ({ x: r1(p.x), y: r1(p.y) })),
    score: r4(f.score),
    quality: presentQuality(f.quality),
  };
}

export function presentRecognized(f: RecognizedFace) {
  return {
    ...presentDetected(f),
    match: f.match ? { ...f.match, similarity: r4(f.match.similarity) } : null,
  };
}

export function presentTimings(t: Record<string, number | undefined>) {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined).map(([k, v]) => [k, r1(v!)]));
}
