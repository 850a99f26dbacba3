/**
 * @jest-environment ./tests/vision/onnx-environment.mjs
 */
/**
 * The detector's second look (lib/vision/detect.ts) with the real networks on committed photos:
 * multi-face/human_group-1 and human_group-5 (vladmandic/human's samples: faces ~100 px in a
 * 1920 px photo, 15-20 px at BlazeFace's 256 px input), multi-face/deepface_selfie-many-people
 * (a face cut by the photo's edge), two LFW photos whose non-faces a window confirms (the shape
 * check's work) and the no-face set (animals, coins, logos, textures).
 */
import { DEFAULT_SECOND_LOOK, detectFaces } from '@/lib/vision/detect';
import { decodeImage } from '@/lib/vision/image';
import { OnnxDetector, type OnnxLoadReport } from '@/lib/vision/onnx-nets';
import type { Box, Detection } from '@/lib/vision/types';
import { readCsv, readDataset } from '../helpers/datasets';

const detector = new OnnxDetector();
beforeAll(async () => {
  const report: OnnxLoadReport = { executionProvider: 'cpu', convertedAtLoad: [] };
  await detector.load({ session: { executionProvider: 'cpu', intraOpThreads: 1 } }, report);
});
afterAll(() => detector.dispose());

const FIRST_LOOK_ONLY = { ...DEFAULT_SECOND_LOOK, zoom: 0 };

/** The detection whose box centre lies within a quarter of its side of (x, y), if any. */
function faceAt(faces: Detection[], x: number, y: number): Box | undefined {
  return faces.map((f) => f.box).find((b) => Math.abs(b.x + b.width / 2 - x) < b.width / 4 && Math.abs(b.y + b.height / 2 - y) < b.height / 4);
}

describe('second look, real networks', () => {
  it('separates a small face from the neighbour the first look merged it into (human_group-1)', async () => {
    // Decoded at 1600x1200. The woman in the red dress (centre ~888, 458) and her neighbour to
    // the right (~988, 467): BlazeFace's first-look box for the neighbour lay half on the red
    // dress's face, so the merge took the two for one face.
    const image = await decodeImage(readDataset('multi-face', 'images', 'human_group-1.jpg'));
    const first = await detectFaces(detector, image, FIRST_LOOK_ONLY);
    const both = await detectFaces(detector, image);
    expect(faceAt(first, 888, 458)).toBeDefined();
    expect(faceAt(first, 988, 467)).toBeUndefined();
    expect(faceAt(both, 888, 458)).toBeDefined();
    expect(faceAt(both, 988, 467)).toBeDefined();
    expect(both.length).toBe(first.length + 1);
  });

  it('confirms a small face in sunglasses that the face mesh rejected at first sight (human_group-5)', async () => {
    // Decoded at 1600x1363. The woman in the cowboy hat, second from the right: BlazeFace 0.49
    // and mesh 0.35 on the first look's box; BlazeFace 0.86 and mesh 1.0 in the closer view.
    const image = await decodeImage(readDataset('multi-face', 'images', 'human_group-5.jpg'));
    const first = await detectFaces(detector, image, FIRST_LOOK_ONLY);
    const both = await detectFaces(detector, image);
    expect(faceAt(first, 1198, 404)).toBeUndefined();
    expect(faceAt(both, 1198, 404)).toBeDefined();
    expect(both.length).toBe(first.length + 1);
  });

  it('confirms the partial face at the selfie\'s right edge, whose first-look box is 0.22 of the square', async () => {
    // 600x604. The man in glasses behind Brad Pitt, cut by the right edge: BlazeFace 0.36 and mesh
    // 0.15 at first sight, 0.47 and 0.89 in the window; mirrored, its features land within
    // 0.13 eye distances of its own (the bar is 0.146).
    const image = await decodeImage(readDataset('multi-face', 'images', 'deepface_selfie-many-people.jpg'));
    const first = await detectFaces(detector, image, FIRST_LOOK_ONLY);
    const both = await detectFaces(detector, image);
    expect(faceAt(first, 553, 161)).toBeUndefined();
    expect(faceAt(both, 553, 161)).toBeDefined();
    expect(both.length).toBe(first.length + 1);
  });

  it.each([
    ['a raised fist in a wristband', 'Tom_Brady', 'Tom_Brady_0002.jpg', 226, 125],
    ['the Red Sox "B" on a cap', 'Ted_Williams', 'Ted_Williams_0001.jpg', 125, 44],
  ])('rejects %s that the window alone confirms (the shape check)', async (_what, person, file, x, y) => {
    const image = await decodeImage(readDataset('lfw-dev', 'images', person, file));
    const first = await detectFaces(detector, image, FIRST_LOOK_ONLY);
    const unchecked = await detectFaces(detector, image, { ...DEFAULT_SECOND_LOOK, maxMirrorKeypointError: Infinity });
    const checked = await detectFaces(detector, image);
    expect(faceAt(first, x, y)).toBeUndefined();
    expect(faceAt(unchecked, x, y)).toBeDefined();
    expect(faceAt(checked, x, y)).toBeUndefined();
    expect(checked.map((f) => f.box)).toEqual(first.map((f) => f.box));
  });

  it('finds no face on any no-face image with the second look', async () => {
    const rows = readCsv('no-face', 'identities.csv');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) {
      const faces = await detectFaces(detector, await decodeImage(readDataset('no-face', row.path)));
      expect({ image: row.path, faces: faces.length }).toEqual({ image: row.path, faces: 0 });
    }
  });
});
