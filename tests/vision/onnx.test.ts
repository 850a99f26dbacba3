/**
 * @jest-environment ./tests/vision/onnx-environment.mjs
 */
/**
 * The converted networks on ONNX Runtime against the tfjs reference (Human and face-api on
 * wasm, the runtime they were published for), on real photos: each network's raw outputs,
 * then the whole pipeline (same faces, same boxes, same embeddings).
 *
 * Images (tests/helpers/datasets.ts): fr-examples/obama (face_recognition's examples),
 * stock-portraits/lauren (stock photo), multi-face/faceapi_bbt3 and facerec_obama_and_biden (group
 * photos from face-api's and face_recognition's examples), no-face/deepface_cat_smile,
 * deepface_dog_smile and skimage_clock_motion (non-faces that BlazeFace scores up to 0.8).
 */
import path from 'node:path';
import { blazeFaceAnchors } from '@/lib/vision/blazeface';
import { flipHorizontal, landmarkBox, squareCropTransform, warpImage } from '@/lib/vision/align';
import { detectFaces } from '@/lib/vision/detect';
import { FaceApiNets } from '@/lib/vision/faceapi';
import { HumanDetector } from '@/lib/vision/human';
import { decodeImage } from '@/lib/vision/image';
import { DETECTOR, EMBEDDER, LANDMARKS, MESH, packageDir } from '@/lib/vision/models';
import { batchOfImages, writeCropResized, writeResizedBilinear } from '@/lib/vision/network-input';
import { BLAZEFACE_OUTPUTS, type OnnxModelName } from '@/lib/vision/onnx/convert';
import { loadOnnxModel } from '@/lib/vision/onnx/store';
import { OnnxDetector, type OnnxLoadReport } from '@/lib/vision/onnx-nets';
import { OnnxSession } from '@/lib/vision/ort';
import { FacePipeline } from '@/lib/vision/pipeline';
import type { DecodedImage, RgbImage } from '@/lib/vision/types';
import { readDataset } from '../helpers/datasets';

const FACES = [
  ['fr-examples', 'images', 'obama', 'examples__obama.jpg'],
  ['stock-portraits', 'images', 'lauren', 'person-lauren.jpg'],
  ['multi-face', 'images', 'faceapi_bbt3.jpg'],
];
const GROUPS = [
  ['multi-face', 'images', 'faceapi_bbt3.jpg'],
  ['multi-face', 'images', 'facerec_obama_and_biden.jpg'],
];
const NO_FACES = [
  ['no-face', 'images', 'deepface_cat_smile.jpg'],
  ['no-face', 'images', 'deepface_dog_smile.jpg'],
  ['no-face', 'images', 'skimage_clock_motion.png'],
];

/** Agreement bar: max |onnx - tfjs| within 1e-4 of the reference output's range. */
function expectAgreement(onnx: Float32Array, reference: Float32Array): void {
  expect(onnx.length).toBe(reference.length);
  let min = Infinity, max = -Infinity, worst = 0;
  for (let i = 0; i < reference.length; i++) {
    min = Math.min(min, reference[i]);
    max = Math.max(max, reference[i]);
    worst = Math.max(worst, Math.abs(onnx[i] - reference[i]));
  }
  expect(max - min).toBeGreaterThan(0);
  expect(worst).toBeLessThanOrEqual(1e-4 * (max - min));
}

async function session(name: OnnxModelName): Promise<OnnxSession> {
  return OnnxSession.create(loadOnnxModel(name).bytes);
}

const images = new Map<string, DecodedImage>();
async function image(parts: string[]): Promise<DecodedImage> {
  const key = parts.join('/');
  if (!images.has(key)) images.set(key, await decodeImage(readDataset(...parts)));
  return images.get(key)!;
}

const human = new HumanDetector();
const faceapi = new FaceApiNets();
const onnxDetector = new OnnxDetector();
beforeAll(async () => {
  await human.load();
  await faceapi.load();
  const report: OnnxLoadReport = { executionProvider: 'cpu', convertedAtLoad: [] };
  await onnxDetector.load({ session: { executionProvider: 'cpu', intraOpThreads: 1 } }, report);
});
afterAll(async () => {
  await onnxDetector.dispose();
  await faceapi.dispose();
  await human.dispose();
});

/** Faces of the test photos, as the pipeline's landmark crops (112 px) and as boxes. */
async function landmarkCrops(): Promise<{ crops: RgbImage[]; squares: { image: DecodedImage; box: { x: number; y: number; width: number; height: number } }[] }> {
  const crops: RgbImage[] = [];
  const squares: { image: DecodedImage; box: { x: number; y: number; width: number; height: number } }[] = [];
  for (const parts of FACES) {
    const img = await image(parts);
    for (const d of await detectFaces(onnxDetector, img)) {
      const b = landmarkBox(d.box);
      crops.push(warpImage(img, squareCropTransform(b, LANDMARKS.inputPx), LANDMARKS.inputPx, b));
      squares.push({ image: img, box: d.box });
    }
  }
  return { crops, squares };
}

describe('converted networks agree with tfjs on real photos', () => {
  it('BlazeFace: all four heads, on a portrait, a stock photo and a group photo', async () => {
    const net = await session('blazeface');
    const side = DETECTOR.inputPx;
    for (const parts of FACES) {
      const img = await image(parts);
      const input = new Float32Array(side * side * 3);
      writeResizedBilinear(img, side, side, input, 0, 1 / 127.5, -1);
      const onnx = await net.run({ [net.inputNames[0]]: { data: input, dims: [1, side, side, 3] } });
      const reference = await human.runGraphModel(path.join(packageDir(DETECTOR.packageName), DETECTOR.files[0]), input, [1, side, side, 3]);
      for (const [name, shape] of [[BLAZEFACE_OUTPUTS.logits512, '1,512,1'], [BLAZEFACE_OUTPUTS.logits384, '1,384,1'], [BLAZEFACE_OUTPUTS.boxes512, '1,512,16'], [BLAZEFACE_OUTPUTS.boxes384, '1,384,16']] as const) {
        const ref = reference.find((r) => r.shape.join() === shape);
        expect(onnx[name].dims.join()).toBe(shape);
        expectAgreement(onnx[name].data, ref!.data);
      }
    }
    await net.dispose();
  });

  it('face-mesh: the face confidence of a batch of faces and non-faces', async () => {
    const net = await session('facemesh');
    const { squares } = await landmarkCrops();
    const side = MESH.inputPx;
    const per = side * side * 3;
    const boxes = [...squares, { image: await image(NO_FACES[2]), box: { x: 0, y: 0, width: 200, height: 200 } }];
    const input = new Float32Array(boxes.length * per);
    boxes.forEach(({ image: img, box: b }, i) => writeCropResized(img, { y1: b.y / img.height, x1: b.x / img.width, y2: (b.y + b.height) / img.height, x2: (b.x + b.width) / img.width }, side, input, i * per, 1 / 255));
    const onnx = await net.run({ [net.inputNames[0]]: { data: input, dims: [boxes.length, side, side, 3] } });
    const reference = await human.runGraphModel(path.join(packageDir(MESH.packageName), MESH.files[0]), input, [boxes.length, side, side, 3]);
    const faceflag = reference.find((r) => r.shape.join() === `${boxes.length},1`)!;
    expectAgreement(onnx.faceflag.data, faceflag.data);
    // Obama's portrait is a face and the clock is not. (Not every detection is: a face BlazeFace
    // is sure of passes without the mesh's agreement, see DetectorOptions.trustDetectorScore.)
    expect(onnx.faceflag.data[0]).toBeGreaterThan(0.9);
    expect(onnx.faceflag.data[squares.length]).toBeLessThan(0.5);
    await net.dispose();
  });

  it('landmark68: a batch of face crops', async () => {
    const net = await session('landmark68');
    const { crops } = await landmarkCrops();
    expect(crops.length).toBeGreaterThanOrEqual(7);
    const onnx = await net.run({ input: { data: batchOfImages(crops, LANDMARKS.inputPx), dims: [crops.length, LANDMARKS.inputPx, LANDMARKS.inputPx, 3] } });
    expectAgreement(onnx.output.data, await faceapi.landmarks(crops));
    await net.dispose();
  });

  it('ResNet-34: a batch of aligned chips and their mirror images', async () => {
    const net = await session('resnet34');
    const pipeline = new FacePipeline();
    await pipeline.load();
    const chips: RgbImage[] = [];
    for (const parts of FACES) {
      for (const f of (await pipeline.analyze(readDataset(...parts), { keepChips: true })).faces) chips.push(f.chip!);
    }
    await pipeline.dispose();
    const batch = [...chips, ...chips.map(flipHorizontal)];
    const onnx = await net.run({ input: { data: batchOfImages(batch, EMBEDDER.inputPx), dims: [batch.length, EMBEDDER.inputPx, EMBEDDER.inputPx, 3] } });
    expectAgreement(onnx.output.data, await faceapi.describe(batch));
    await net.dispose();
  });
});

describe('the ONNX pipeline reports what the tfjs pipeline reported', () => {
  const onnx = new FacePipeline({ runtime: 'onnx' });
  const tfjs = new FacePipeline({ runtime: 'tfjs' });
  beforeAll(async () => {
    await onnx.load();
    await tfjs.load();
  });
  afterAll(async () => {
    await onnx.dispose();
    await tfjs.dispose();
  });

  it.each(GROUPS.map((p) => [p[p.length - 1], p]))('same faces, boxes, landmarks and embeddings on %s', async (_name, parts) => {
    const bytes = readDataset(...parts);
    const [a, b] = [await onnx.analyze(bytes), await tfjs.analyze(bytes)];
    expect(a.faces.length).toBeGreaterThanOrEqual(2);
    expect(a.faces.map((f) => f.box)).toEqual(b.faces.map((f) => f.box));
    a.faces.forEach((f, i) => {
      const g = b.faces[i];
      expect(f.score).toBeCloseTo(g.score, 3);
      for (let k = 0; k < LANDMARKS.points; k++) {
        expect(Math.abs(f.landmarks[k].x - g.landmarks[k].x)).toBeLessThan(0.05);
        expect(Math.abs(f.landmarks[k].y - g.landmarks[k].y)).toBeLessThan(0.05);
      }
      // Embeddings the tfjs pipeline stored stay comparable: every component within 1e-4.
      for (let d = 0; d < f.embedding.length; d++) expect(Math.abs(f.embedding[d] - g.embedding[d])).toBeLessThan(1e-4);
    });
  });

  it.each(NO_FACES.map((p) => [p[p.length - 1], p]))('no face on %s', async (_name, parts) => {
    const bytes = readDataset(...parts);
    expect((await onnx.analyze(bytes)).faces).toEqual([]);
    expect((await tfjs.analyze(bytes)).faces).toEqual([]);
  });
});

describe('BlazeFace decoding and the runtime', () => {
  it('lays out 896 anchors: 16x16 cells with 2 each, then 8x8 cells with 6 each', () => {
    const a = blazeFaceAnchors();
    expect(a.length).toBe(896 * 2);
    expect([a[0], a[1], a[2], a[3]]).toEqual([8, 8, 8, 8]);
    expect([a[1022], a[1023]]).toEqual([248, 248]);
    expect([a[1024], a[1025]]).toEqual([16, 16]);
    expect([a[1790], a[1791]]).toEqual([240, 240]);
  });

  it('falls back to the CPU, saying why, when the CUDA provider cannot load', async () => {
    const s = await OnnxSession.create(loadOnnxModel('facemesh').bytes, { executionProvider: 'cuda', intraOpThreads: 1 });
    try {
      expect(s.provider).toBe('cpu');
      expect(s.fallback).toMatch(/^cuda execution provider unavailable/);
      const out = await s.run({ [s.inputNames[0]]: { data: new Float32Array(192 * 192 * 3), dims: [1, 192, 192, 3] } });
      expect(out.faceflag.dims).toEqual([1, 1]);
    } finally {
      await s.dispose();
    }
  });
});
