import { detectionSquares } from '@/lib/vision/detect';

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
