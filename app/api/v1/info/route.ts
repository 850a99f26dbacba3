import { route } from '@/lib/server/route';
import { EMBEDDING_MODEL } from '@/lib/vision/models';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** What the pages need to know before they have a key; the server's version only with one. */
export const GET = route('info', 'none', async ({ services, caller }) =>
  Response.json({
    model: EMBEDDING_MODEL.id,
    threshold: services.threshold,
    targetFmr: EMBEDDING_MODEL.targetFmr,
    publicRecognition: services.config.FACEREC_PUBLIC_RECOGNITION,
    keepCrops: services.config.FACEREC_KEEP_CROPS,
    ...(caller.role ? { version: process.env.npm_package_version ?? null } : {}),
  }),
);
