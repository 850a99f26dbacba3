import { ApiError } from '@/lib/server/errors';
import { oneImage, readImages } from '@/lib/server/http';
import { route } from '@/lib/server/route';
import { isRegistryError, type SearchHit } from '@/lib/registry/registry';
import { cosineSimilarity } from '@/lib/vision/match';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import type { Analyzer } from '@/lib/vision/recognize';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

async function mainFace(vision: Analyzer, bytes: Uint8Array, label: string): Promise<Float32Array> {
  const { faces } = await vision.analyze(bytes, { flip: true, maxFaces: 5 });
  if (!faces[0]) throw new ApiError('no_face', `No face was found in ${label}.`);
  return faces[0].embedding;
}

/**
 * 1:1 — two images, or one image and an enrolled person. A caller without a key (public
 * recognition) learns only `match` against a person id: an unknown id, a person without
 * templates and a different face all answer `match: false`, so ids cannot be probed.
 */
export const POST = route('verify', 'recognize', async ({ req, services, caller }) => {
  const input = await readImages(req, services.config.FACEREC_MAX_BODY_BYTES);
  const personId = input.fields.get('personId');
  let similarity: number;
  if (personId && !caller.role) {
    const probe = await mainFace(services.vision, oneImage(input, 'image'), 'the image');
    let hit: SearchHit | null = null;
    try {
      hit = services.registry.scorePerson(personId, probe);
    } catch (e) {
      if (!isRegistryError(e) || e.code !== 'not_found') throw e;
    }
    return Response.json({ match: hit !== null && hit.similarity >= services.threshold, threshold: services.threshold, model: EMBEDDING_MODEL.id });
  }
  if (personId) {
    await services.registry.getPerson(personId); // 404 before any inference
    const probe = await mainFace(services.vision, oneImage(input, 'image'), 'the image');
    const hit = services.registry.scorePerson(personId, probe);
    if (!hit) throw new ApiError('conflict', 'The person has no templates of the current model to compare with.');
    similarity = hit.similarity;
  } else {
    if (!input.images.has('image_a') || !input.images.has('image_b')) {
      throw new ApiError('invalid_request', 'Send images "image_a" and "image_b", or "image" and a "personId" field.');
    }
    const [a, b] = await Promise.all([
      mainFace(services.vision, oneImage(input, 'image_a'), 'image_a'),
      mainFace(services.vision, oneImage(input, 'image_b'), 'image_b'),
    ]);
    similarity = cosineSimilarity(a, b);
  }
  return Response.json({
    similarity: Math.round(similarity * 10_000) / 10_000,
    match: similarity >= services.threshold,
    threshold: services.threshold,
    model: EMBEDDING_MODEL.id,
  });
});
