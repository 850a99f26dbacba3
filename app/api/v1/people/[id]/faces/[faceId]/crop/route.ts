import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The aligned face crop kept with a template (only when FACEREC_KEEP_CROPS is on). */
export const GET = route<{ id: string; faceId: string }>('people.faces.crop', 'enroll', async ({ params, services }) => {
  const person = await services.registry.getPerson(params.id);
  if (!person.templates.some((t) => t.id === params.faceId)) throw new ApiError('not_found', 'No such face for this person.');
  const crop = await services.registry.getCrop(params.faceId);
  if (!crop) throw new ApiError('not_found', 'No crop is kept for this face.');
  return new Response(crop as BodyInit, { headers: { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=3600' } });
});
