import { detectionSquares } from '@/lib/vision/detect';

describe('detectionSquares', () => {
  it('runs a webcam frame as one padded square: no finer scale below 1000 px', () => {
    expect(detectionSquares(640, 480)).toEqual([{ x: 0, y: 0, side: 640 }]);
    expect(detectionSquares(1280, 720)).toEqual([{ x: 0, y: 0, side: 720 }, { x: 280, y: 0, side: 720 }, { x: 560, y: 0, side: 720 }]);
  });

  it('adds overlapping 640 px squares covering a large group photo', () => {
    const squares = detectionSquares(1600, 1200);
    expect(squares[0]).toEqual({ x: 0, y: 0, side: 1600 });
    const fine = squares.slice(1);
    expect(fine).toHaveLength(9);
    expect(new Set(fine.map((s) => s.side))).toEqual(new Set([640]));
    expect(new Set(fine.map((s) => s.x))).toEqual(new Set([0, 480, 960]));
    expect(new Set(fine.map((s) => s.y))).toEqual(new Set([0, 280, 560]));
    // Every pixel is inside some fine square, and no fine square leaves the image.
    for (const s of fine) expect(s.x + s.side <= 1600 && s.y + s.side <= 1200).toBe(true);
  });

  it('cuts a panorama into squares of its height only: they are already small', () => {
    const squares = detectionSquares(3000, 500);
    expect(squares.every((s) => s.side === 500 && s.y === 0)).toBe(true);
    expect(squares[squares.length - 1].x).toBe(2500);
  });
});
