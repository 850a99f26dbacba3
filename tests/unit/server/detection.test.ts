/**
 * How the detector is fed and how its answers are merged (lib/vision/detect.ts), beyond the
 * cases in tests/vision/detect.test.ts: the IoU rule at its edge, score order, the squares an
 * image of any shape becomes, and boxes mapped back from each square to the image.
 */
import { detectFaces, detectionSquares, mergeDetections, type DetectorOutput, type FaceDetector } from '@/lib/vision/detect';
import type { Box, Detection, RgbImage } from '@/lib/vision/types';

const det = (x: number, y: number, width: number, height: number, detectorScore = 0.9): Detection => ({ box: { x, y, width, height }, score: 1, detectorScore });

describe('mergeDetections', () => {
  it('merges two boxes of one size when their IoU passes 0.3, even with each centre outside the other', () => {
    // 100 px boxes 52 px apart: IoU 48/152 = 0.316; 56 px apart: 44/156 = 0.282, and neither
    // centre (50 px from its edge) lies inside the other box.
    expect(mergeDetections([det(0, 0, 100, 100), det(52, 0, 100, 100)])).toHaveLength(1);
    expect(mergeDetections([det(0, 0, 100, 100), det(56, 0, 100, 100)])).toHaveLength(2);
  });

  it('keeps the candidate BlazeFace scored highest, whatever the order', () => {
    const weak = det(10, 10, 100, 100, 0.4), strong = det(20, 15, 100, 100, 0.95);
    expect(mergeDetections([weak, strong])).toEqual([strong]);
    expect(mergeDetections([strong, weak])).toEqual([strong]);
  });

  it('merges a small box lying wholly inside a larger one (a face found twice at two scales)', () => {
    expect(mergeDetections([det(0, 0, 300, 300, 0.8), det(200, 200, 60, 60, 0.9)]).map((d) => d.box.width)).toEqual([60]);
  });
});

describe('detectionSquares', () => {
  it('covers a tall image with squares down its height', () => {
    const squares = detectionSquares(720, 1280);
    expect(squares).toEqual([{ x: 0, y: 0, side: 720 }, { x: 0, y: 280, side: 720 }, { x: 0, y: 560, side: 720 }]);
  });

  it('pads up to an aspect of 1.5 and tiles beyond it', () => {
    expect(detectionSquares(1500, 1000)).toEqual([{ x: 0, y: 0, side: 1500 }]);
    expect(detectionSquares(1000, 1500)).toEqual([{ x: 0, y: 0, side: 1500 }]);
    expect(detectionSquares(1501, 1000).map((s) => s.side)).toEqual([1000, 1000]);
  });

  it.each([[1000, 1501], [4000, 600], [333, 2000], [640, 641]])('squares of a %ix%i image cover it, stay inside it when tiled, and overlap by at least a quarter', (width, height) => {
    const squares = detectionSquares(width, height);
    const long = Math.max(width, height);
    const along = (s: { x: number; y: number }) => (width >= height ? s.x : s.y);
    expect(along(squares[0])).toBe(0);
    expect(along(squares[squares.length - 1]) + squares[0].side).toBeGreaterThanOrEqual(long);
    for (const s of squares) expect(s.side).toBeGreaterThanOrEqual(Math.min(width, height));
    if (squares.length > 1) {
      for (const s of squares) expect(along(s) + s.side).toBeLessThanOrEqual(long);
      for (let i = 1; i < squares.length; i++) expect(along(squares[i]) - along(squares[i - 1])).toBeLessThanOrEqual(0.75 * squares[0].side);
    }
  });
});

/**
 * A real (if simple) detector: it finds the white pixels of the image it is shown and reports
 * their bounding box, and records every input. Only squares should ever reach it.
 */
class WhitePatchDetector implements FaceDetector {
  readonly inputs: RgbImage[] = [];
  async detect(image: RgbImage): Promise<DetectorOutput> {
    this.inputs.push(image);
    let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = (y * image.width + x) * 3;
        if (image.data[i] === 255 && image.data[i + 1] === 255 && image.data[i + 2] === 255) {
          x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
        }
      }
    }
    return { faces: x1 < 0 ? [] : [det(x0, y0, x1 - x0 + 1, y1 - y0 + 1)], doubtful: [] };
  }
}

/** A grey image with a white patch at `patch`. */
function imageWithPatch(width: number, height: number, patch: Box): RgbImage {
  const data = new Uint8Array(width * height * 3).fill(100);
  for (let y = patch.y; y < patch.y + patch.height; y++) data.fill(255, (y * width + patch.x) * 3, (y * width + patch.x + patch.width) * 3);
  return { data, width, height };
}

describe('detectFaces feeds the detector squares and maps its boxes back', () => {
  it('pads a near-square image to one square, black past the image, and keeps the box in image pixels', async () => {
    const patch = { x: 300, y: 200, width: 40, height: 50 };
    const detector = new WhitePatchDetector();
    const faces = await detectFaces(detector, imageWithPatch(400, 300, patch));
    expect(detector.inputs.map((i) => [i.width, i.height])).toEqual([[400, 400]]);
    const padded = detector.inputs[0];
    expect([...padded.data.subarray((350 * 400 + 10) * 3, (350 * 400 + 10) * 3 + 3)]).toEqual([0, 0, 0]);
    expect(faces.map((f) => f.box)).toEqual([patch]);
  });

  it('tiles a panorama, maps each tile back, and merges a face that two tiles both saw', async () => {
    // 1600x400: tiles at x = 0, 300, ..., 1200 (side 400). The patch at x 650-699 lies whole in tiles 2 and 3.
    const patch = { x: 650, y: 120, width: 50, height: 60 };
    const detector = new WhitePatchDetector();
    const faces = await detectFaces(detector, imageWithPatch(1600, 400, patch));
    expect(detector.inputs.every((i) => i.width === 400 && i.height === 400)).toBe(true);
    expect(detector.inputs.length).toBe(detectionSquares(1600, 400).length);
    expect(faces.map((f) => f.box)).toEqual([patch]);
  });

  it('feeds a square image as it is, without a copy', async () => {
    const image = imageWithPatch(256, 256, { x: 10, y: 10, width: 5, height: 5 });
    const detector = new WhitePatchDetector();
    await detectFaces(detector, image);
    expect(detector.inputs).toEqual([image]);
    expect(detector.inputs[0]).toBe(image);
  });
});
