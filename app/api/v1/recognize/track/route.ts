import { recognizeTrackSchema } from '@/lib/contract/requests';
import { ApiError } from '@/lib/server/errors';
import { EvidenceError, openEvidence } from '@/lib/server/evidence-token';
import { readJson } from '@/lib/server/http';
import { candidateToken } from '@/lib/server/present';
import { route } from '@/lib/server/route';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import { identifyTrack } from '@/lib/vision/track-fusion';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

/**
 * One face's track, named from its frames' evidence tokens fused into one probe and judged
 * against the bar for that many frames (docs/models.md, "Tracks"). No network runs: one search.
 */
export const POST = route('recognize.track', 'recognize', async ({ req, services, caller }) => {
  const { evidence } = await readJson(req, recognizeTrackSchema);
  const scope = { secret: services.config.FACEREC_CANDIDATE_SECRET, caller: caller.clientId, modelId: EMBEDDING_MODEL.id, nowMs: Date.now() };
  const embeddings = evidence.map((token, i) => {
    try {
      return openEvidence(token, scope).embedding;
    } catch (e) {
      if (e instanceof EvidenceError) throw new ApiError('invalid_evidence', `evidence[${i}]: ${e.message}`);
      throw e;
    }
  });
  const d = identifyTrack(services.registry, embeddings, services.operatingPoint, EMBEDDING_MODEL.fusedTracks);
  return Response.json({
    // The name only once the bar is cleared, as /recognize answers.
    match: d.match ? { personId: d.match.personId, name: d.match.name, similarity: r4(d.match.similarity) } : null,
    decision: {
      candidate: d.candidate ? candidateToken(d.candidate.personId, scope) : null,
      score: Number.isFinite(d.score) ? r4(d.score) : null,
      reason: d.reason,
    },
    threshold: r4(d.threshold),
    frames: embeddings.length,
  });
  // Its own bucket: a live page at the frame rate the limit allows would otherwise lose frames to
  // 429s as soon as a track asks (the page sends at most 2 questions per answer).
}, { rateBucket: 'track' });
