import { applySimilarity, averageWithMirror, dlibChipTransform, fitSimilarity, flipHorizontal, jitterChipTransform, MIRRORED_POINT, warpImage } from '@/lib/vision/align';
import type { RgbImage } from '@/lib/vision/types';

describe('align', () => {
  it('recovers a known rotation, scale and shift from point pairs', () => {
    const truth = { a: 2 * Math.cos(0.3), b: 2 * Math.sin(0.3), tx: 15, ty: -7 };
    const from = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 3, y: 8 }, { x: -4, y: 5 }];
    const to = from.map((p) => applySimilarity(truth, p));
    const fit = fitSimilarity(from, to);
    expect(fit.a).toBeCloseTo(truth.a, 6);
    expect(fit.b).toBeCloseTo(truth.b, 6);
    expect(fit.tx).toBeCloseTo(truth.tx, 6);
    expect(fit.ty).toBeCloseTo(truth.ty, 6);
  });

  it('maps landmarks on the mean face to a chip where the eyes are level and centred', () => {
    // A synthetic face: the mean-face layout scaled by 200 px, rotated by 20 degrees, shifted.
    const chipToImageTruth = { a: (200 / 150) * Math.cos(0.35), b: (200 / 150) * Math.sin(0.35), tx: 300, ty: 120 };
    // Build landmarks by mapping the chip positions dlib would use back into the image.
    const identity = dlibChipTransform(Array.from({ length: 68 }, (_, i) => ({ x: i, y: (i * 7) % 13 })));
    expect(Number.isFinite(identity.a)).toBe(true);
    const chipPoints = Array.from({ length: 68 }, (_, i) => ({ x: 20 + (i % 10) * 11, y: 30 + Math.floor(i / 10) * 12 }));
    const imagePoints = chipPoints.map((p) => applySimilarity(chipToImageTruth, p));
    const fit = fitSimilarity(chipPoints, imagePoints);
    expect(Math.atan2(fit.b, fit.a)).toBeCloseTo(0.35, 6);
  });

  it('warps pixels through a transform and fills the outside with black', () => {
    const img: RgbImage = { width: 4, height: 4, data: new Uint8Array(48).fill(200) };
    const shifted = warpImage(img, { a: 1, b: 0, tx: 2, ty: 0 }, 4);
    // Output column 0 samples input column 2 (inside); column 3 samples column 5 (outside).
    expect(shifted.data[0]).toBe(200);
    expect(shifted.data[3 * 3]).toBe(0);
  });

  it('averages many input pixels per output pixel when shrinking, instead of skipping them', () => {
    // 1-pixel stripes: a plain bilinear 4x shrink would hit only one colour.
    const W = 64;
    const data = new Uint8Array(W * W * 3);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) data.fill(x % 2 ? 255 : 0, (y * W + x) * 3, (y * W + x) * 3 + 3);
    const small = warpImage({ width: W, height: W, data }, { a: 4, b: 0, tx: 0, ty: 0 }, 12);
    const mid = small.data[(6 * 12 + 6) * 3];
    expect(mid).toBeGreaterThan(90);
    expect(mid).toBeLessThan(165);
  });

  it('mirrors an image left to right', () => {
    const img: RgbImage = { width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect(Array.from(flipHorizontal(img).data)).toEqual([4, 5, 6, 1, 2, 3]);
  });

  it('names the mirrored 68-point layout consistently: a swap of left and right, twice the identity', () => {
    expect([...MIRRORED_POINT].sort((a, b) => a - b)).toEqual(Array.from({ length: 68 }, (_, i) => i));
    MIRRORED_POINT.forEach((m, k) => expect(MIRRORED_POINT[m]).toBe(k));
    // Eye corners swap (outer right 36 <-> outer left 45), the nose tip and chin stay.
    expect([MIRRORED_POINT[36], MIRRORED_POINT[30], MIRRORED_POINT[8], MIRRORED_POINT[48]]).toEqual([45, 30, 8, 54]);
  });

  it('averages landmarks with the ones found on the mirror image, reflected back about pixel centres', () => {
    const width = 112;
    const plain = Array.from({ length: 68 }, (_, k) => ({ x: 10 + k, y: 20 + (k % 7) }));
    // What a network that found exactly these points would answer on the mirror image.
    const mirrored = plain.map((_, k) => ({ x: width - 1 - plain[MIRRORED_POINT[k]].x, y: plain[MIRRORED_POINT[k]].y }));
    expect(averageWithMirror(plain, mirrored, width)).toEqual(plain);
    // A shift found only on the mirror image moves the average by half of it, the other way.
    const shifted = mirrored.map((p) => ({ x: p.x + 2, y: p.y }));
    averageWithMirror(plain, shifted, width).forEach((p, k) => expect(p.x).toBeCloseTo(plain[k].x - 1, 9));
  });

  it('re-frames a chip about its centre: no jitter changes nothing, a rotation or zoom keeps the centre, a shift moves it', () => {
    const chipToImage = { a: 1.3 * Math.cos(0.2), b: 1.3 * Math.sin(0.2), tx: 40, ty: 25 };
    const none = jitterChipTransform(chipToImage, { rotationDeg: 0, shiftX: 0, shiftY: 0, zoom: 1 }, 150);
    for (const key of ['a', 'b', 'tx', 'ty'] as const) expect(none[key]).toBeCloseTo(chipToImage[key], 9);
    const centre = { x: 74.5, y: 74.5 };
    const turned = jitterChipTransform(chipToImage, { rotationDeg: 3, shiftX: 0, shiftY: 0, zoom: 1.02 }, 150);
    expect(applySimilarity(turned, centre).x).toBeCloseTo(applySimilarity(chipToImage, centre).x, 9);
    expect(applySimilarity(turned, centre).y).toBeCloseTo(applySimilarity(chipToImage, centre).y, 9);
    expect(Math.hypot(turned.a, turned.b)).toBeCloseTo(1.3 * 1.02, 9);
    expect(Math.atan2(turned.b, turned.a)).toBeCloseTo(0.2 + (3 * Math.PI) / 180, 9);
    // Shifting by 2% of the side samples 3 chip pixels further right.
    const shifted = jitterChipTransform(chipToImage, { rotationDeg: 0, shiftX: 0.02, shiftY: 0, zoom: 1 }, 150);
    const expected = applySimilarity(chipToImage, { x: centre.x + 3, y: centre.y });
    expect(applySimilarity(shifted, centre).x).toBeCloseTo(expected.x, 9);
    expect(applySimilarity(shifted, centre).y).toBeCloseTo(expected.y, 9);
  });
});
