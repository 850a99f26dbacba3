import { route } from '@/lib/server/route';
import { operatingPoint } from '@/lib/server/app';
import { EMBEDDING_MODEL } from '@/lib/vision/models';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** What the pages need to know before they have a key; the server's version only with one. */
export const GET = route('info', 'none', async ({ services, caller }) =>
  Response.json({
    model: EMBEDDING_MODEL.id,
    // 1:1 verify: cosine threshold at the model's calibrated false-match rate.
    threshold: services.threshold,
    targetFmr: EMBEDDING_MODEL.targetFmr,
    recognition: operatingPoint(services, { withGallery: Boolean(caller.role) }),
    publicRecognition: services.config.FACEREC_PUBLIC_RECOGNITION,
    keepCrops: services.config.FACEREC_KEEP_CROPS,
    ...(caller.role ? { version: process.env.npm_package_version ?? null } : {}),
  }),
);
