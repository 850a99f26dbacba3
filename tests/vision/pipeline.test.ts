/**
 * @jest-environment ./tests/vision/onnx-environment.mjs
 */
import sharp from 'sharp';
import { isVisionError } from '@/lib/vision/errors';
import { cosineSimilarity } from '@/lib/vision/match';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import { FacePipeline } from '@/lib/vision/pipeline';
import { ENROLLMENT_QUALITY } from '@/lib/vision/quality';
import { ENROLLMENT_ANALYSIS, judgeEnrollment, TEMPLATE_JITTERS } from '@/lib/vision/register';
import { embedImages, readPairsCsv, scorePairs } from '@/lib/vision/evaluate';
import { datasetPath, readCsv, readDataset } from '../helpers/datasets';

// Real models, real photos. One pipeline for the whole file: loading takes about a second.
const pipeline = new FacePipeline();
beforeAll(() => pipeline.load());
afterAll(() => pipeline.dispose());

async function embedding(bytes: Uint8Array): Promise<Float32Array> {
  const { faces } = await pipeline.analyze(bytes, { flip: true });
  expect(faces.length).toBeGreaterThan(0);
  return faces[0].embedding;
}

describe('FacePipeline on real photos', () => {
  it('returns an L2-normalised 128-d embedding, box, 68 landmarks and quality for a portrait', async () => {
    const { faces, width, height, timings } = await pipeline.analyze(readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg'));
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face.embedding).toHaveLength(EMBEDDING_MODEL.dim);
    const norm = Math.sqrt(face.embedding.reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect(face.landmarks).toHaveLength(68);
    expect(face.box.x).toBeGreaterThanOrEqual(0);
    expect(face.box.x + face.box.width).toBeLessThanOrEqual(width + 1);
    expect(face.box.y + face.box.height).toBeLessThanOrEqual(height + 1);
    // Landmarks fall inside (or right at the edge of) the detector's box.
    for (const p of face.landmarks) {
      expect(p.x).toBeGreaterThan(face.box.x - 0.25 * face.box.width);
      expect(p.x).toBeLessThan(face.box.x + 1.25 * face.box.width);
    }
    expect(face.quality.ok).toBe(true);
    expect(timings.detect).toBeGreaterThan(0);
    expect(timings.embed).toBeGreaterThan(0);
  });

  it.each([
    // [set, least AUC, least true-accept rate at the shipped (FMR 1e-3) threshold]
    ['fr-examples', 0.99, 0.9],
    // Stock portraits: tongue out, heads turned 40-80 degrees, teenagers grouped by eye. Its 69
    // pairs make the AUC coarse: 0.982 with plain landmarks, 0.974 with mirrored ones, while on
    // lfw-dev's 3000 pairs mirrored landmarks raise TAR at FMR 1e-3 and the genuine-impostor gap is no smaller at any yaw (docs/models.md).
    ['stock-portraits', 0.97, 0.7],
  ])('tells same-person pairs from different-person pairs in %s', async (set, minAuc, minTar) => {
    const rows = readPairsCsv(datasetPath(set, 'pairs.csv'));
    const images = [...new Set(rows.flatMap((r) => [r.pathA, r.pathB]))];
    const { embeddings, noFace } = await embedImages(pipeline, datasetPath(set), images, { flip: true });
    expect(noFace).toEqual([]);
    const scored = rows.map((r) => ({ same: r.same, similarity: cosineSimilarity(embeddings.get(r.pathA)!, embeddings.get(r.pathB)!) }));
    // Ranking: a same-person pair outscores a different-person pair almost always.
    expect(scorePairs(rows, embeddings, 0).auc).toBeGreaterThan(minAuc);
    // The shipped threshold is set for a false-match rate of 1e-3: no impostor pair may pass...
    expect(scored.filter((p) => !p.same && p.similarity >= EMBEDDING_MODEL.threshold)).toEqual([]);
    // ...while most same-person pairs do.
    const genuine = scored.filter((p) => p.same);
    expect(genuine.filter((p) => p.similarity >= EMBEDDING_MODEL.threshold).length / genuine.length).toBeGreaterThanOrEqual(minTar);
  });

  it('finds no face where there is none, in a portrait taller than wide either', async () => {
    // A tall portrait stretched to the detector's square once gave a second, false "face".
    const { faces } = await pipeline.analyze(readDataset('fr-examples', 'images', 'biden', 'examples__biden.jpg'));
    expect(faces).toHaveLength(1);
  });

  it('finds at most one face in total across the no-face images (animals, coins, textures)', async () => {
    const rows = readCsv('no-face', 'identities.csv');
    let faces = 0;
    for (const row of rows) faces += (await pipeline.analyze(readDataset('no-face', row.path), { maxFaces: 50 })).faces.length;
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(faces).toBeLessThanOrEqual(1);
  });

  it('finds at least 90% of the counted faces in the multi-face group photos', async () => {
    const rows = readCsv('multi-face', 'manifest.csv');
    let counted = 0, found = 0;
    for (const row of rows) {
      const expected = Number(row.approx_faces);
      const n = (await pipeline.analyze(readDataset('multi-face', row.path), { maxFaces: 50 })).faces.length;
      counted += expected;
      found += Math.min(n, expected);
    }
    expect(found / counted).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps a mirrored or slightly rescaled photo close to the original', async () => {
    const bytes = readDataset('fr-examples', 'images', 'biden', 'examples__biden.jpg');
    const original = await embedding(bytes);
    const mirrored = await embedding(await sharp(bytes).flop().jpeg({ quality: 92 }).toBuffer());
    const meta = await sharp(bytes).metadata();
    const rescaled = await embedding(await sharp(bytes).resize(Math.round(meta.width! * 0.8)).jpeg({ quality: 92 }).toBuffer());
    // Clearly above the decision threshold (genuine LFW pairs score about 0.93-0.98, impostors
    // 0.80-0.93): the same photo must never be in doubt.
    expect(cosineSimilarity(original, mirrored)).toBeGreaterThan(EMBEDDING_MODEL.threshold + 0.02);
    expect(cosineSimilarity(original, rescaled)).toBeGreaterThan(EMBEDDING_MODEL.threshold + 0.02);
    // ...and closer to the original than any other person is.
    const other = await embedding(readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg'));
    expect(cosineSimilarity(original, mirrored)).toBeGreaterThan(cosineSimilarity(original, other) + 0.02);
  });

  it('finds the landmarks of the mirror image where the plain ones are, within a few pixels', async () => {
    for (const file of ['examples__obama.jpg', 'examples__obama2.jpg', 'tests__test_images__obama3.jpg']) {
      const bytes = readDataset('fr-examples', 'images', 'obama', file);
      const [plain] = (await pipeline.analyze(bytes, { mirrorLandmarks: false })).faces;
      const [averaged] = (await pipeline.analyze(bytes, { mirrorLandmarks: true })).faces;
      // The average sits half way to the mirror image's points: measured 2-3% of the eye
      // distance from the plain ones on these faces. Far off would mean a wrong reflection or
      // point order (a swapped pair of eyes moves points by a whole eye distance).
      const eye = plain.quality.eyeDistancePx;
      const moved = plain.landmarks.map((p, k) => Math.hypot(averaged.landmarks[k].x - p.x, averaged.landmarks[k].y - p.y) / eye);
      const mean = moved.reduce((a, b) => a + b, 0) / moved.length;
      expect(mean).toBeGreaterThan(0.002);
      expect(mean).toBeLessThan(0.05);
      expect(Math.max(...moved)).toBeLessThan(0.15);
    }
  });

  it('makes a template averaged over re-framed chips, nearer the person\'s other photos than the plain embedding', async () => {
    const rows = readCsv('fr-examples', 'identities.csv');
    const faces = [];
    for (const row of rows) {
      const analysis = await pipeline.analyze(readDataset('fr-examples', row.path), { ...ENROLLMENT_ANALYSIS, templateJitters: TEMPLATE_JITTERS });
      const check = judgeEnrollment(analysis);
      if (check.accepted) faces.push({ identity: row.identity, plain: analysis.faces[0].embedding, template: check.embedding });
    }
    expect(faces.length).toBeGreaterThanOrEqual(12);
    let closer = 0, pairs = 0;
    for (const a of faces) {
      // A small change: the same face, seen a few pixels and degrees apart.
      expect(cosineSimilarity(a.template, a.plain)).toBeGreaterThan(0.995);
      expect(cosineSimilarity(a.template, a.plain)).toBeLessThan(0.99999);
      for (const b of faces) {
        if (a === b || a.identity !== b.identity) continue;
        pairs++;
        if (cosineSimilarity(a.template, b.plain) > cosineSimilarity(a.plain, b.plain)) closer++;
      }
    }
    // Measured: 28 of the 36 same-person pairs here (89 of 112 in stock-portraits).
    expect(closer / pairs).toBeGreaterThan(0.6);
  });

  it('frees every tensor it creates on the tfjs reference runtime (constant tensor count over repeated runs)', async () => {
    // ONNX Runtime's outputs are plain arrays; the tfjs path, which the agreement tests rely on, can leak.
    const reference = new FacePipeline({ runtime: 'tfjs' });
    await reference.load();
    const bytes = readDataset('multi-face', 'images', 'deepface_couple.jpg');
    await reference.analyze(bytes);
    const before = reference.tensorCount();
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await reference.analyze(bytes);
    expect(reference.tensorCount()).toBe(before);
    await reference.dispose();
  });
});

describe('quality gate on real photos', () => {
  const frontal = () => readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg');

  it('sees a frontal face as frontal, and a turned head turned the other way when mirrored', async () => {
    const [face] = (await pipeline.analyze(frontal())).faces;
    expect(Math.abs(face.quality.pose.yawDeg)).toBeLessThan(15);
    expect(Math.abs(face.quality.pose.pitchDeg)).toBeLessThan(15);
    const turned = readDataset('stock-portraits', 'images', 'emotions_a', 'stock-emotions-a-2.jpg');
    const [a] = (await pipeline.analyze(turned)).faces;
    const [b] = (await pipeline.analyze(await sharp(turned).flop().jpeg().toBuffer())).faces;
    expect(Math.abs(a.quality.pose.yawDeg)).toBeGreaterThan(20);
    expect(Math.sign(a.quality.pose.yawDeg)).toBe(-Math.sign(b.quality.pose.yawDeg));
  });

  it('refuses a blurred or a tiny face for enrollment, with the reason', async () => {
    const blurred = await sharp(frontal()).resize(400).blur(4).jpeg().toBuffer();
    const [b] = (await pipeline.analyze(blurred, { quality: ENROLLMENT_QUALITY })).faces;
    expect(b.quality.reasons).toContain('blurred');
    const tiny = await sharp(frontal()).resize(90).jpeg().toBuffer();
    const [t] = (await pipeline.analyze(tiny, { quality: ENROLLMENT_QUALITY })).faces;
    expect(t.quality.reasons).toContain('too-small');
    const [ok] = (await pipeline.analyze(frontal(), { quality: ENROLLMENT_QUALITY })).faces;
    expect(ok.quality.reasons).toEqual([]);
    expect(ok.quality.score).toBeGreaterThan(b.quality.score);
  });
});

describe('FacePipeline on bad input', () => {
  async function codeOf(bytes: Uint8Array): Promise<string> {
    try {
      await pipeline.analyze(bytes);
    } catch (e) {
      if (isVisionError(e)) return e.code;
      throw e;
    }
    return 'no error';
  }

  it('rejects zero bytes as empty_image', async () => {
    expect(await codeOf(new Uint8Array(0))).toBe('empty_image');
  });

  it('rejects random bytes as unsupported_image_type', async () => {
    expect(await codeOf(Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))).toBe('unsupported_image_type');
  });

  it('rejects a truncated JPEG as corrupt_image', async () => {
    const full = readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg');
    expect(await codeOf(full.subarray(0, Math.floor(full.length / 3)))).toBe('corrupt_image');
  });

  it('rejects random bytes behind a JPEG signature as corrupt_image', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) % 256);
    bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
    expect(await codeOf(bytes)).toBe('corrupt_image');
  });
});
