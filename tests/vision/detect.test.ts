import { DEFAULT_SECOND_LOOK, detectFaces, MAX_SECOND_LOOKS, detectionSquares, mergeDetections, type DetectorOutput, type FaceDetector } from '@/lib/vision/detect';
import type { Box, Detection, RgbImage } from '@/lib/vision/types';

describe('detectionSquares', () => {
  it('runs a near-square image as one padded square', () => {
    expect(detectionSquares(640, 480)).toEqual([{ x: 0, y: 0, side: 640 }]);
    expect(detectionSquares(1600, 1200)).toEqual([{ x: 0, y: 0, side: 1600 }]);
  });

  it('cuts a long image into overlapping squares of its short side, ends included', () => {
    expect(detectionSquares(1280, 720)).toEqual([{ x: 0, y: 0, side: 720 }, { x: 280, y: 0, side: 720 }, { x: 560, y: 0, side: 720 }]);
    const panorama = detectionSquares(3000, 500);
    expect(panorama.every((s) => s.side === 500 && s.y === 0)).toBe(true);
    expect(panorama[panorama.length - 1].x).toBe(2500);
    for (let i = 1; i < panorama.length; i++) expect(panorama[i].x - panorama[i - 1].x).toBeLessThanOrEqual(500 * 0.75);
  });
});

describe('mergeDetections', () => {
  const det = (x: number, y: number, width: number, height: number, detectorScore = 0.9): Detection => ({ box: { x, y, width, height }, score: 1, detectorScore });

  it('keeps one face when a detection square cut it into a partial box whose centre lies inside the whole face', () => {
    // Measured on a 640 px portrait: the whole face and the part the next square saw.
    const merged = mergeDetections([det(183, 56, 245, 244, 0.95), det(329, 67, 171, 256, 0.9)]);
    expect(merged.map((d) => d.box.x)).toEqual([183]);
  });

  it('keeps neighbours in a group photo apart, even when their boxes touch', () => {
    expect(mergeDetections([det(100, 100, 80, 80), det(170, 105, 80, 80), det(240, 95, 60, 60)])).toHaveLength(3);
  });
});

/** BlazeFace's keypoints (eyes, nose, mouth, ears) as shares of the box: a face seen straight on. */
const FRONTAL = [[0.3, 0.4], [0.7, 0.4], [0.5, 0.55], [0.5, 0.75], [0.05, 0.45], [0.95, 0.45]];
/** The same features all shifted to the box's left: what mirrored no longer matches. */
const LOPSIDED = FRONTAL.map(([x, y]) => [x * 0.6, y]);

/**
 * A real (if simple) detector whose eyesight is BlazeFace's in one respect: it finds the white
 * patch of the square it is shown, and is sure of it only when the patch spans at least
 * `minSurePx` of its 256 px input; a smaller patch is a doubtful candidate. Above `maxSurePx` it
 * is doubtful again: a thing that looks like a face at one magnification only, like the logos
 * the mesh accepted once a window made them fill its crop. It places the keypoints at `layout`
 * in the patch's box.
 */
class SmallPatchDetector implements FaceDetector {
  readonly inputs: RgbImage[] = [];
  constructor(private readonly minSurePx = 24, private readonly maxSurePx = Infinity, private readonly layout = FRONTAL) {}
  async detect(image: RgbImage): Promise<DetectorOutput> {
    this.inputs.push(image);
    let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (image.data[(y * image.width + x) * 3] === 255) {
          x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) return { faces: [], doubtful: [] };
    const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
    const keypoints = this.layout.map(([u, v]) => ({ x: box.x + u * box.width, y: box.y + v * box.height }));
    const d: Detection = { box, score: 0.9, detectorScore: 0.5, keypoints };
    const px = (d.box.width * 256) / image.width;
    return px >= this.minSurePx && px <= this.maxSurePx ? { faces: [d], doubtful: [] } : { faces: [], doubtful: [d] };
  }
}

function greyWithPatch(width: number, height: number, patch: Box): RgbImage {
  const data = new Uint8Array(width * height * 3).fill(90);
  for (let y = patch.y; y < patch.y + patch.height; y++) data.fill(255, (y * width + patch.x) * 3, (y * width + patch.x + patch.width) * 3);
  return { data, width, height };
}

describe('detectFaces: a second look at a doubtful candidate', () => {
  // 60 px in a 1600 px square is 9.6 px at the detector's 256 px: too small to be sure of.
  const patch = { x: 700, y: 500, width: 60, height: 60 };

  it('keeps a small candidate that a window three times its size around it confirms', async () => {
    const detector = new SmallPatchDetector();
    const faces = await detectFaces(detector, greyWithPatch(1600, 1200, patch));
    expect(faces.map((f) => f.box)).toEqual([patch]);
    // The second input is the window: 3 x 60 px, centred on the candidate; the third its mirror image (the shape check).
    expect(detector.inputs.map((i) => i.width)).toEqual([1600, 180, 180]);
    expect(faces[0].keypoints?.[0]).toEqual({ x: patch.x + 0.3 * patch.width, y: patch.y + 0.4 * patch.height });
  });

  it('drops a candidate the window confirms when the mirrored window puts its features elsewhere (the shape check)', async () => {
    const image = greyWithPatch(1600, 1200, patch);
    expect(await detectFaces(new SmallPatchDetector(24, Infinity, LOPSIDED), image)).toEqual([]);
    // Without the check the same detector's candidate is kept.
    const unchecked = await detectFaces(new SmallPatchDetector(24, Infinity, LOPSIDED), image, { ...DEFAULT_SECOND_LOOK, maxMirrorKeypointError: Infinity });
    expect(unchecked.map((f) => f.box)).toEqual([patch]);
  });

  it('drops it without a second look, or when the closer view is still unsure', async () => {
    expect(await detectFaces(new SmallPatchDetector(), greyWithPatch(1600, 1200, patch), { ...DEFAULT_SECOND_LOOK, zoom: 0 })).toEqual([]);
    expect(await detectFaces(new SmallPatchDetector(1000), greyWithPatch(1600, 1200, patch))).toEqual([]);
  });

  it('costs a frame whose faces are all sure nothing: one detector call per square', async () => {
    const detector = new SmallPatchDetector();
    const big = { x: 200, y: 100, width: 240, height: 260 };
    expect((await detectFaces(detector, greyWithPatch(640, 480, big))).map((f) => f.box)).toEqual([big]);
    expect(detector.inputs).toHaveLength(1);
  });

  it('gives no second look to a candidate too large for a closer view to magnify', async () => {
    // A 400 px candidate in a 1000 px square: more than the share DEFAULT_SECOND_LOOK allows.
    const detector = new SmallPatchDetector(1000);
    await detectFaces(detector, greyWithPatch(1000, 1000, { x: 300, y: 300, width: 400, height: 400 }));
    expect(detector.inputs).toHaveLength(1);
  });
});

describe('detectFaces: the second look is bounded', () => {
  it('looks again at no more than MAX_SECOND_LOOKS places of a cluttered image', async () => {
    // A frame where the detector doubts 30 small places and no closer view confirms any.
    const clutter = Array.from({ length: 30 }, (_, i): Detection => ({ box: { x: 20 + (i % 6) * 100, y: 20 + Math.floor(i / 6) * 90, width: 40, height: 40 }, score: 0.3, detectorScore: 0.3 }));
    const inputs: number[] = [];
    const detector: FaceDetector = {
      detect: async (image) => {
        inputs.push(image.width);
        return image.width === 640 ? { faces: [], doubtful: clutter } : { faces: [], doubtful: [] };
      },
    };
    expect(await detectFaces(detector, { data: new Uint8Array(640 * 480 * 3), width: 640, height: 480 })).toEqual([]);
    expect(inputs).toHaveLength(1 + MAX_SECOND_LOOKS);
    expect(inputs.slice(1).every((w) => w === 120)).toBe(true);
  });
});
