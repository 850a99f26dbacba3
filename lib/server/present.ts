/**
 * Shapes pipeline results for JSON answers: pixel values rounded to 0.1, scores to 4
 * decimals, embeddings never sent.
 */
import { createHmac, randomBytes } from 'node:crypto';
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

/**
 * Key of the opaque candidate ids: per process, so an id means nothing outside this server's
 * answers and reveals neither the person's id nor their name.
 */
const CANDIDATE_KEY = randomBytes(32);

/** The opaque id under which a person appears as a below-the-bar candidate. */
export function candidateToken(personId: string): string {
  return `c_${createHmac('sha256', CANDIDATE_KEY).update(personId).digest('base64url').slice(0, 16)}`;
}

export function presentRecognized(f: RecognizedFace) {
  const d = f.decision;
  return {
    ...presentDetected(f),
    // The name only once the bar is cleared; below it, an opaque id and a score (evidence that
    // the page accumulates over frames), so an open recogniser leaks no names.
    match: f.match ? { personId: f.match.personId, name: f.match.name, similarity: r4(f.match.similarity) } : null,
    decision: {
      candidate: d.candidate ? candidateToken(d.candidate.personId) : null,
      score: Number.isFinite(d.score) ? r4(d.score) : null,
      threshold: r4(d.threshold),
      reason: d.reason,
    },
  };
}

export function presentTimings(t: Record<string, number | undefined>) {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined).map(([k, v]) => [k, r1(v!)]));
}
