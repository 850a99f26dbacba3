import { auditBy } from '@/lib/server/auth';
import { LIMITS } from '@/lib/contract/limits';
import { ApiError } from '@/lib/server/errors';
import { parseWith, readImages, searchParams } from '@/lib/server/http';
import { presentQuality } from '@/lib/server/present';
import { route } from '@/lib/server/route';
import { facesQuery } from '@/lib/server/schemas';
import type { NewTemplate } from '@/lib/registry/registry';
import { encodeJpeg } from '@/lib/vision/image';
import { registerFaces } from '@/lib/vision/register';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const MAX_IMAGES = LIMITS.imagesPerEnrollment;

/** Adds face images to a person: each accepted (a new template) or refused with reasons. */
export const POST = route<{ id: string }>('people.faces.add', 'enroll', async ({ req, params, services, caller }) => {
  const { source } = parseWith(facesQuery, searchParams(req));
  await services.registry.getPerson(params.id); // 404 before any inference
  const input = await readImages(req, services.config.FACEREC_MAX_BODY_BYTES);
  const images = [...input.images.values()].flat();
  if (images.length === 0) throw new ApiError('invalid_request', 'Send at least one image (multipart fields "image", or a raw image body).');
  if (images.length > MAX_IMAGES) throw new ApiError('invalid_request', `Send at most ${MAX_IMAGES} images at once.`);
  const by = auditBy(caller);
  const sink = { addTemplates: (personId: string, templates: NewTemplate[]) => services.registry.addTemplates(personId, templates, by) };
  const results = await registerFaces(services.vision, sink, params.id, images, {
    source,
    keepCrops: services.config.FACEREC_KEEP_CROPS,
    encodeCrop: encodeJpeg,
  });
  const person = await services.registry.getPerson(params.id);
  const { templates, ...summary } = person;
  return Response.json({
    person: summary,
    accepted: results.filter((r) => r.accepted).length,
    results: results.map((r) => ({ ...r, ...(r.quality ? { quality: presentQuality(r.quality) } : {}) })),
  });
});
