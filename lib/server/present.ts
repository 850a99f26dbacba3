/**
 * Shapes pipeline results for JSON answers: pixel values rounded to 0.1, scores to 4
 * decimals, embeddings never sent. Each presenter returns the contract's type
 * (lib/contract/responses.ts), so a field or reason that the pipeline and the contract do not
 * share fails to compile here.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { DetectedFace, Face, Person, Quality, Template } from '@/lib/contract/responses';
import type { Person as RegistryPerson, Template as RegistryTemplate } from '@/lib/registry/registry';
import type { RecognizedFace } from '@/lib/vision/recognize';
import { sealEvidence } from './evidence-token';
import type { FaceAnalysis, FaceQuality } from '@/lib/vision/types';

/** True when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** The routes answer the registry's people and templates as they are: these fail to compile when the two drift apart. */
export type RegistryPersonIsWirePerson = Assert<Same<RegistryPerson, Person>>;
export type RegistryTemplateIsWireTemplate = Assert<Same<RegistryTemplate, Template>>;

const r1 = (v: number) => Math.round(v * 10) / 10;
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

export function presentQuality(q: FaceQuality): Quality {
  return {
    score: r4(q.score),
    ok: q.ok,
    reasons: q.reasons,
    eyeDistancePx: r1(q.eyeDistancePx),
    sharpness: r1(q.sharpness),
    pose: { yawDeg: r1(q.pose.yawDeg), pitchDeg: r1(q.pose.pitchDeg), rollDeg: r1(q.pose.rollDeg) },
  };
}

export function presentDetected(f: Pick<FaceAnalysis, 'box' | 'landmarks' | 'score' | 'quality'>): DetectedFace {
  return {
    box: { x: r1(f.box.x), y: r1(f.box.y), width: r1(f.box.width), height: r1(f.box.height) },
    landmarks: f.landmarks.map((p) => ({ x: r1(p.x), y: r1(p.y) })),
    score: r4(f.score),
    quality: presentQuality(f.quality),
  };
}

const PROCESS_SECRET = randomBytes(32);
/** Candidate ids change every hour: long enough for a track, too short to build a catalogue. */
export const CANDIDATE_EPOCH_MS = 3_600_000;

/** Whose answers a candidate id is valid in: the secret, the caller (API key, or client address without one), the time. */
export interface CandidateScope {
  secret?: string;
  caller: string;
  nowMs: number;
}

/**
 * The opaque id under which a person appears as a candidate in one caller's answers: an HMAC of
 * the person's id under the secret, the caller and the hour. It reveals neither id nor name; a
 * caller who has seen a person named can recognise that person's id in their own answers of the
 * same hour (and so learn that a face below the bar looks most like them), nobody else's.
 */
export function candidateToken(personId: string, scope: CandidateScope): string {
  const epoch = Math.floor(scope.nowMs / CANDIDATE_EPOCH_MS);
  return `c_${createHmac('sha256', scope.secret ?? PROCESS_SECRET).update(`${scope.caller}\n${epoch}\n${personId}`).digest('base64url').slice(0, 16)}`;
}

export function presentRecognized(f: RecognizedFace, scope: CandidateScope & { modelId: string }): Face {
  const d = f.decision;
  return {
    ...presentDetected(f),
    // The name only once the bar is cleared; below it, an opaque id and a score (evidence that
    // the page accumulates over frames), so an open recogniser leaks no names.
    match: f.match ? { personId: f.match.personId, name: f.match.name, similarity: r4(f.match.similarity) } : null,
    decision: {
      candidate: d.candidate ? candidateToken(d.candidate.personId, scope) : null,
      score: Number.isFinite(d.score) ? r4(d.score) : null,
      threshold: r4(d.threshold),
      reason: d.reason,
    },
    // The embedding itself never leaves in the clear: sealed for this caller, for POST /recognize/track.
    evidence: sealEvidence(f.embedding, f.quality.score, scope),
  };
}

export function presentTimings(t: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined).map(([k, v]) => [k, r1(v!)]));
}
