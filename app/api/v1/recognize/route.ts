import { getMetrics } from '@/lib/server/metrics';
import { oneImage, readImages } from '@/lib/server/http';
import { presentRecognized, presentTimings } from '@/lib/server/present';
import { route } from '@/lib/server/route';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import { trackBars } from '@/lib/vision/open-set';
import { recognize } from '@/lib/vision/recognize';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Every face in the image, largest first, each named from the registry or `match: null`. */
export const POST = route('recognize', 'recognize', async ({ req, services, caller }) => {
  const image = oneImage(await readImages(req, services.config.FACEREC_MAX_BODY_BYTES));
  const result = await recognize(services.vision, services.registry, image, {
    at: services.operatingPoint,
    analyze: { flip: services.config.FACEREC_FLIP_LIVE },
  });
  const metrics = getMetrics();
  for (const f of result.faces) metrics.facesTotal.inc({ outcome: f.match ? 'matched' : 'unknown' });
  for (const [stage, ms] of Object.entries(result.timings)) if (stage !== 'total' && ms !== undefined) metrics.stageSeconds.observe({ stage }, ms / 1000);
  // Gathered in memory and written within a second, off the answer's path (FACEREC_SIGHTINGS).
  services.sightings?.observe(result.faces, { keyId: caller.keyId, at: new Date().toISOString() });
  return Response.json({
    faces: result.faces.map((f) => presentRecognized(f, { secret: services.config.FACEREC_CANDIDATE_SECRET, caller: caller.clientId, modelId: EMBEDDING_MODEL.id, nowMs: Date.now() })),
    width: result.width,
    height: result.height,
    // Decision-score bars for this gallery: one frame, and tracks of 2, 3, ... frames.
    threshold: result.threshold,
    trackBars: trackBars(services.operatingPoint.calibration, result.galleryPeople, services.operatingPoint.targetFpir).map((b) => Math.round(b * 10_000) / 10_000),
    model: EMBEDDING_MODEL.id,
    timings: presentTimings(result.timings),
  });
});
