import { oneImage, readImages } from '@/lib/server/http';
import { presentDetected, presentTimings } from '@/lib/server/present';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Faces only: boxes, landmarks, quality; no identities. */
export const POST = route('detect', 'recognize', async ({ req, services }) => {
  const image = oneImage(await readImages(req, services.config.FACEREC_MAX_BODY_BYTES));
  const result = await services.vision.analyze(image, { flip: false });
  return Response.json({
    faces: result.faces.map(presentDetected),
    width: result.width,
    height: result.height,
    timings: presentTimings(result.timings),
  });
});
