import { detectionSquares, mergeDetections } from '@/lib/vision/detect';
import type { Detection } from '@/lib/vision/types';

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
