/**
 * @jest-environment ./tests/vision/onnx-environment.mjs
 */
/**
 * Human's default face pipeline as bench:vs-human runs it (lib/vision/human.ts
 * `loadHumanReference`): it must find the face the server is timed on, call after call, and
 * nothing in a blank frame, or the side-by-side ratio compares unlike work.
 */
import sharp from 'sharp';
import { loadHumanReference, type HumanReference } from '@/lib/vision/human';
import { decodeImage } from '@/lib/vision/image';
import { readDataset } from '../helpers/datasets';

jest.setTimeout(120_000);

let human: HumanReference;

beforeAll(async () => {
  human = await loadHumanReference();
});

afterAll(() => human?.dispose());

test('finds the one face of a 640x480 webcam-like frame, call after call', async () => {
  const frame = await sharp(readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg'))
    .resize(640, 480, { fit: 'contain', background: '#202020' }).jpeg({ quality: 85 }).toBuffer();
  const image = await decodeImage(frame);
  for (let i = 0; i < 3; i++) expect(await human.detect(image)).toBe(1);
});

test('finds no face in a blank frame', async () => {
  const blank = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  expect(await human.detect(await decodeImage(blank))).toBe(0);
});
