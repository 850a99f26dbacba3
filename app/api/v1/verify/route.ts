import { ApiError } from '@/lib/server/errors';
import { oneImage, readImages } from '@/lib/server/http';
import { route } from '@/lib/server/route';
import { mainFace, verifyAnswer, verifyFaces, verifyOptions } from '@/lib/server/verify';
import { isRegistryError, type SearchHit } from '@/lib/registry/registry';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * 1:1 — two images, or one image and an enrolled person. A caller without a key (public
 * recognition) learns only `match` against a person id: an unknown id, a person without
 * templates and a different face all answer `match: false`, so ids cannot be probed.
 */
export const POST = route('verify', 'recognize', async ({ req, services, caller }) => {
  const input = await readImages(req, services.config.FACEREC_MAX_BODY_BYTES);
  const opts = verifyOptions(services.config);
  const personId = input.fields.get('personId');
  if (personId && !caller.role) {
    const probe = await mainFace(services.vision, oneImage(input, 'image'), 'the image', opts);
    let hit: SearchHit | null = null;
    try {
      hit = services.registry.scorePerson(personId, probe);
    } catch (e) {
      if (!isRegistryError(e) || e.code !== 'not_found') throw e;
    }
    const { match, threshold, model } = verifyAnswer(hit?.similarity ?? -Infinity, opts.threshold);
    return Response.json({ match, threshold, model });
  }
  if (personId) {
    await services.registry.getPerson(personId); // 404 before any inference
    const probe = await mainFace(services.vision, oneImage(input, 'image'), 'the image', opts);
    const hit = services.registry.scorePerson(personId, probe);
    if (!hit) throw new ApiError('conflict', 'The person has no templates of the current model to compare with.');
    return Response.json(verifyAnswer(hit.similarity, opts.threshold));
  }
  if (!input.images.has('image_a') || !input.images.has('image_b')) {
    throw new ApiError('invalid_request', 'Send images "image_a" and "image_b", or "image" and a "personId" field.');
  }
  const a = { bytes: oneImage(input, 'image_a'), label: 'image_a' };
  const b = { bytes: oneImage(input, 'image_b'), label: 'image_b' };
  return Response.json(await verifyFaces(services.vision, a, b, opts));
});
